//! The TOTP enrolment as a QR code drawn with Unicode half blocks, two module rows per line.
//!
//! Drawn for a dark terminal background, the usual one for a server console: a dark module is
//! left as background and a light one is a light glyph, so the code shows dark-on-light as a
//! scanner expects. The quiet zone around it is part of the drawing.

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;
use zeroize::Zeroizing;

/// The drawing, or None if the text does not fit in a QR code (an otpauth URI always does).
/// Zeroized on drop: the drawing encodes the TOTP secret as surely as the URI does.
pub fn render(text: &str) -> Option<Zeroizing<String>> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let drawing = code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build();
    Some(Zeroizing::new(drawing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrolment_uri_is_drawn_with_half_blocks_and_a_quiet_zone() {
        let uri = "otpauth://totp/meldpunt:a%20(ap)?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=meldpunt";
        let drawing = render(uri).unwrap();
        let lines: Vec<&str> = drawing.lines().collect();
        assert!(lines.len() > 10);
        // The quiet zone is light all round: the first line is all full blocks.
        assert!(lines[0].chars().all(|c| c == '█'), "{}", lines[0]);
        let width = lines[0].chars().count();
        assert!(lines.iter().all(|l| l.chars().count() == width));
    }
}
