//! (filled below)
#![allow(unused_imports)]
use crate::support::*;
