//! What a person sees: the renderers of every result ([`report`]: text, JSON, CSV, Markdown,
//! SVG and PNG plots) and the command line ([`cli`]), which parses arguments and calls the
//! library.

pub mod cli;
pub mod report;
