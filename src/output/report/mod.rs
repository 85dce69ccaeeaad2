//! Rendering results for people and programs: text, JSON, CSV and Markdown, and writing files
//! atomically (to a temporary file beside the target, then renamed), so a failed run never
//! leaves a half-written output.
//!
//! A report type implements [`Tabular`] (a title and labelled rows) or [`Table`] (a title and
//! one row of cells per record, such as a sweep's grid points) and `serde::Serialize`; each
//! format lives in its own file and works from those, so adding a format touches one file.

mod analyze;
mod at_hr;
mod boundaries;
mod compare;
mod csv;
mod design;
mod file;
mod format;
mod html;
mod markdown;
mod monitor;
pub mod plot;
mod predict;
mod replicates;
mod run;
mod size;
mod sweep;
mod table;
mod text;
mod validate;

pub use boundaries::render_boundaries;
pub use compare::render_compare;
pub use monitor::render_monitor;

pub use file::{check_output, write_atomic, write_atomic_with};
pub use format::{Format, format_for, render, render_table};
pub use html::{render_report, shell_word};
pub use replicates::{ReplicatesForm, check_replicates, render_replicates, write_replicates};
pub use table::{Row, Table, Tabular, fmt, fmt_opt, partial_note};
