//! Agencies: the registry (data, with validity dates and groups) and the resolver that reads an
//! agency cell ("Bộ Công an, Bộ KH&CN", "Các bộ: Y tế, Nội vụ", "Các bộ, ngành, địa phương").

mod registry;
mod resolver;

pub use registry::{AgencyKind, AgencyRecord, GroupRecord, KindGroup, Registry, RegistryError};
pub use resolver::{AgencyRef, RefKind};
