//! Writing outside the process: report folders appear whole or not at all
//! ([`atomic`]), and published reports reach the share ([`publish`]).

pub mod atomic;
pub mod publish;
