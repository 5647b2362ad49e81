//! The command line's jobs over a whole install: `fill-reach` (a campaign's worth of
//! made-up reach, to measure at size), `migrate` (copy to the scale-out backends) and
//! `verify` (every row and blob checked, and repaired where it can be).

pub mod fill;
pub mod migrate;
pub mod verify;
