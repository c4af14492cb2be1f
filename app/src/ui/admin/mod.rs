//! Pages for admins (and researchers, where they may read).

pub mod audit;
pub mod colleagues;
pub mod institutions;
pub mod mail;
pub mod rounds;
pub mod templates;
pub mod users;
