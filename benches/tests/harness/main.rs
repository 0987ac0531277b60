//! The evaluation harness's own checks: every data file is valid and the splits are clean, and
//! the workspace keeps the dependency rules of STYLE.md.

mod datasets;
mod external;
mod external_entities;
mod synth;
mod workspace;
