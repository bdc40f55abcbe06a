//! The library part of the `corsim` command: its exit statuses and the
//! reader of live servers' response heads (`corsim probe`, `corsim audit`),
//! public so that the fuzz targets and the tests reach them.

#![forbid(unsafe_code)]

pub mod exit;
pub mod wire;
