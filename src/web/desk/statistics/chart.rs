//! The statistics' bar chart, drawn on the server (no JavaScript): per month a bar of the reports
//! received and, beside it, one of those acknowledged in time, against a scale rounded up from the
//! year's busiest month, with a gridline at the top and one halfway. This module works out the
//! geometry; `desk_statistics.html` writes it as inline SVG. The words (months, the gridlines'
//! values) are HTML beside the drawing, not SVG text: a checker cannot tell the contrast of SVG
//! text, and people can zoom HTML text. Nothing here comes from what a user typed.

use serde::Serialize;

use crate::desk::statistics::MonthRow;
use crate::domain::Lang;
use crate::web::format;

/// The drawing area, in SVG user units: twelve slots of `SLOT` after room for the scale.
const LEFT: u64 = 48;
const SLOT: u64 = 48;
const BAR: u64 = 18;
const TOP: u64 = 12;
const PLOT: u64 = 184;
const WIDTH: u64 = LEFT + 12 * SLOT + 8;
const HEIGHT: u64 = TOP + PLOT + 4;

#[derive(Debug, Serialize)]
pub struct Chart {
    pub width: u64,
    pub height: u64,
    /// The y of the zero line.
    pub base: u64,
    pub left: u64,
    pub right: u64,
    pub bars: Vec<Bar>,
    /// The months' abbreviations, in the order of their slots.
    pub months: Vec<&'static str>,
    /// The gridlines, top first.
    pub grid: Vec<GridLine>,
}

#[derive(Debug, Serialize)]
pub struct Bar {
    pub x: u64,
    pub y: u64,
    pub width: u64,
    pub height: u64,
    /// The stylesheet's class for the series: `bar-received` or `bar-acknowledged`.
    pub class: &'static str,
}

/// A gridline: its height and the value it stands for.
#[derive(Debug, Serialize)]
pub struct GridLine {
    pub y: u64,
    pub text: String,
}

/// The top of the scale: the smallest of 2, 4, 10, 20, 40, 100, … at or above `max`, so that
/// the halfway gridline is a whole number too.
fn scale_top(max: u64) -> u64 {
    let mut power = 1u64;
    loop {
        for step in [2u64, 4, 10] {
            match step.checked_mul(power) {
                Some(top) if top >= max => return top,
                Some(_) => {}
                // Beyond any real count: the busiest month is the top.
                None => return max,
            }
        }
        power = match power.checked_mul(10) {
            Some(next) => next,
            None => return max,
        };
    }
}

pub fn chart(lang: Lang, rows: &[MonthRow]) -> Chart {
    let max = rows.iter().map(|r| r.received).max().unwrap_or(0);
    let top = scale_top(max);
    let base = TOP + PLOT;
    // Heights in whole units: `value <= top`, so a bar never leaves the plot.
    let height = |value: u64| value.min(top).saturating_mul(PLOT) / top;
    let mut bars = Vec::new();
    let mut months = Vec::new();
    for (slot, row) in (0u64..).zip(rows) {
        let x = LEFT + slot * SLOT;
        for (offset, value, class) in [
            (5, row.received, "bar-received"),
            (5 + BAR + 2, row.acknowledged_in_time, "bar-acknowledged"),
        ] {
            let h = height(value);
            bars.push(Bar {
                x: x + offset,
                y: base - h,
                width: BAR,
                height: h,
                class,
            });
        }
        months.push(format::month_abbreviation(lang, row.month));
    }
    let grid = [top, top / 2, 0]
        .into_iter()
        .map(|value| GridLine {
            y: base - height(value),
            text: format::number(lang, value),
        })
        .collect();
    Chart {
        width: WIDTH,
        height: HEIGHT,
        base,
        left: LEFT,
        right: WIDTH - 8,
        bars,
        months,
        grid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_rounds_up_to_a_number_with_a_whole_half() {
        let tops: Vec<u64> = [0, 1, 2, 3, 5, 11, 40, 41, 1_300].map(scale_top).into();
        assert_eq!(tops, [2, 2, 2, 4, 10, 20, 40, 100, 2_000]);
        assert_eq!(scale_top(u64::MAX), u64::MAX);
    }

    #[test]
    fn the_busiest_month_reaches_the_top_of_the_scale_only_when_it_is_the_scale() {
        let row = |month, received, acknowledged_in_time| MonthRow {
            year: 2026,
            month,
            received,
            acknowledged_in_time,
            feedback_within_3_months: 0,
            feedback_within_6_months: 0,
            transferred: 0,
            closed: 0,
            median_days_to_acknowledge: None,
        };
        let c = chart(Lang::Nl, &[row(1, 4, 2), row(2, 0, 0), row(3, 3, 3)]);
        assert_eq!(c.bars.len(), 6);
        assert_eq!((c.bars[0].height, c.bars[0].y), (PLOT, TOP));
        assert_eq!(c.bars[1].height, PLOT / 2);
        assert_eq!(c.bars[2].height, 0);
        assert_eq!(c.months[2], "mrt");
        let grid: Vec<&str> = c.grid.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(grid, ["4", "2", "0"]);
    }
}
