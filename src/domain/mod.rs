//! Domain newtypes that parse once at the edge: inside the program a value of these types is valid.

mod day;
mod desk_id;
mod lang;
mod report_id;

pub use day::{Clock, Day, SystemClock, TestClock};
pub use desk_id::DeskId;
pub use lang::Lang;
pub use report_id::{ItemId, ReportId};
