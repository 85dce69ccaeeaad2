//! The simulation report as one self-contained HTML page (`enrichsim report`): no network,
//! the font (DejaVu Sans, embedded in the binary) and the figures (SVG) inline, laid out for a
//! phone's width and for printing to PDF from a browser.
//!
//! The page is well-formed XML as well as HTML (every element closed, attributes quoted, no
//! named entities), so tests parse it with an XML parser. Every number taken from a run's or a
//! design's JSON is wrapped as `<span class="n" data-src="run-1" data-json="/power">0.8877</span>`:
//! `data-src` names which JSON (`run-K`, `null-K`, `design-K`, `validate-K` for scenario K, as
//! the commands `run`, `run --global-null`, `design` and `validate` print it with the same
//! flags) and `data-json` the JSON pointer (RFC 6901) of the value, shown with the decimals
//! printed. The lines that vary between identical commands (wall times) carry
//! `class="timing"`, the machine's thread count `class="machine"`.

mod assumptions;
mod characteristics;
mod design;
mod figures;
mod markup;
mod page;
mod reproduce;

pub use page::render_report;
pub use reproduce::shell_word;
