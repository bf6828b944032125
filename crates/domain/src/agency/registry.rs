use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::deadline::opt_iso_date;
use crate::text::name_key;

/// The shipped registry: ministries since March 2025, the 34 provinces since 1 July 2025 (and the
/// 63 former ones), state corporations, central bodies, groups.
pub const DEFAULT_REGISTRY_TOML: &str = include_str!("../../data/agencies.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    Ministry,
    MinistryLevel,
    GovernmentAgency,
    FormerMinistry,
    CentralBody,
    SubUnit,
    Corporation,
    City,
    Province,
    FormerProvince,
    Department,
    Commune,
    Other,
}

impl AgencyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ministry => "ministry",
            Self::MinistryLevel => "ministry_level",
            Self::GovernmentAgency => "government_agency",
            Self::FormerMinistry => "former_ministry",
            Self::CentralBody => "central_body",
            Self::SubUnit => "sub_unit",
            Self::Corporation => "corporation",
            Self::City => "city",
            Self::Province => "province",
            Self::FormerProvince => "former_province",
            Self::Department => "department",
            Self::Commune => "commune",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }

    /// The title of the agency's head, who answers for its score ("Bộ trưởng", "Chủ tịch Ủy ban
    /// nhân dân"), when the registry does not name another.
    pub fn head_title(self) -> &'static str {
        match self {
            Self::Ministry | Self::FormerMinistry => "Bộ trưởng",
            Self::MinistryLevel | Self::GovernmentAgency | Self::CentralBody | Self::SubUnit => {
                "Thủ trưởng"
            }
            Self::Corporation => "Chủ tịch Hội đồng thành viên",
            Self::City | Self::Province | Self::FormerProvince | Self::Commune => {
                "Chủ tịch Ủy ban nhân dân"
            }
            Self::Department => "Giám đốc",
            Self::Other => "Người đứng đầu",
        }
    }

    /// Provinces and centrally-run cities (the "địa phương" of national documents).
    pub fn is_local(self) -> bool {
        matches!(self, Self::City | Self::Province | Self::FormerProvince)
    }

    /// The kind of body an agency is ranked and filtered with.
    pub fn group(self) -> KindGroup {
        match self {
            Self::Ministry | Self::MinistryLevel | Self::GovernmentAgency | Self::CentralBody => {
                KindGroup::Ministries
            }
            Self::City | Self::Province => KindGroup::Provinces,
            Self::Corporation => KindGroup::Corporations,
            Self::Commune => KindGroup::Communes,
            _ => KindGroup::Others,
        }
    }
}

/// Kinds of bodies compared with each other: ministries and central bodies, provinces and
/// cities, state corporations, communes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindGroup {
    Ministries,
    Provinces,
    Corporations,
    Communes,
    Others,
}

impl KindGroup {
    pub const ALL: [KindGroup; 5] = [
        Self::Ministries,
        Self::Provinces,
        Self::Corporations,
        Self::Communes,
        Self::Others,
    ];

    /// The key in links and the API: "bo-nganh", "tinh", "tap-doan", "xa", "khac".
    pub fn key(self) -> &'static str {
        match self {
            Self::Ministries => "bo-nganh",
            Self::Provinces => "tinh",
            Self::Corporations => "tap-doan",
            Self::Communes => "xa",
            Self::Others => "khac",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }

    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::Ministries => "Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
            Self::Provinces => "Tỉnh, thành phố",
            Self::Corporations => "Tập đoàn, tổng công ty",
            Self::Communes => "Xã, phường",
            Self::Others => "Khác",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyRecord {
    pub code: String,
    pub name: String,
    pub kind: AgencyKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(
        default,
        with = "opt_iso_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_from: Option<Date>,
    #[serde(
        default,
        with = "opt_iso_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_to: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
    /// The committee whose own registry this agency belongs to (a province's departments and
    /// communes); `None` for the national registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committee: Option<String>,
}

impl AgencyRecord {
    pub fn valid_on(&self, d: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= d) && self.valid_to.is_none_or(|t| d <= t)
    }

    /// Every written form that names this agency on its own (not the short form).
    pub fn spellings(&self) -> Vec<String> {
        let mut v = vec![self.name.clone(), self.code.clone()];
        v.extend(self.aliases.iter().cloned());
        if let Some(short) = &self.short {
            match self.kind {
                AgencyKind::City => {
                    for p in [
                        "",
                        "Thành phố ",
                        "TP ",
                        "TP. ",
                        "UBND thành phố ",
                        "UBND TP ",
                        "Ủy ban nhân dân thành phố ",
                    ] {
                        v.push(format!("{p}{short}"));
                    }
                }
                AgencyKind::Province | AgencyKind::FormerProvince => {
                    for p in ["", "Tỉnh ", "UBND tỉnh ", "Ủy ban nhân dân tỉnh "] {
                        v.push(format!("{p}{short}"));
                    }
                }
                _ => {}
            }
        }
        v
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRecord {
    pub code: String,
    pub name: String,
    pub member_kinds: Vec<AgencyKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("registry data is not valid TOML: {0}")]
    Toml(String),
    #[error("agency code {0} appears twice")]
    DuplicateCode(String),
    #[error("agency {0} names unknown {1} {2}")]
    UnknownReference(String, &'static str, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Agency(usize),
    Group(usize),
}

#[derive(Deserialize)]
struct RegistryFile {
    #[serde(default)]
    agency: Vec<AgencyRecord>,
    #[serde(default)]
    group: Vec<GroupRecord>,
}

/// The agencies and groups, indexed by every folded spelling.
#[derive(Debug, Clone)]
pub struct Registry {
    agencies: Vec<AgencyRecord>,
    groups: Vec<GroupRecord>,
    by_code: HashMap<String, usize>,
    pub(crate) index: HashMap<String, Vec<Target>>,
    pub(crate) short_index: HashMap<String, Vec<usize>>,
    /// The committee this registry serves: `None` for the national one. Groups expand to the
    /// agencies of this scope ("Các sở, ban, ngành" of a province).
    scope: Option<String>,
}

impl Registry {
    /// The registry shipped in the repository.
    pub fn default_registry() -> Result<Self, RegistryError> {
        Self::from_toml(DEFAULT_REGISTRY_TOML)
    }

    pub fn from_toml(text: &str) -> Result<Self, RegistryError> {
        let file: RegistryFile =
            toml::from_str(text).map_err(|e| RegistryError::Toml(e.to_string()))?;
        Self::new(file.agency, file.group)
    }

    pub fn new(
        agencies: Vec<AgencyRecord>,
        groups: Vec<GroupRecord>,
    ) -> Result<Self, RegistryError> {
        let mut by_code = HashMap::new();
        for (i, a) in agencies.iter().enumerate() {
            if by_code.insert(a.code.clone(), i).is_some() {
                return Err(RegistryError::DuplicateCode(a.code.clone()));
            }
        }
        for a in &agencies {
            for (what, r) in [("parent", &a.parent), ("successor", &a.successor)] {
                if let Some(code) = r
                    && !by_code.contains_key(code)
                {
                    return Err(RegistryError::UnknownReference(
                        a.code.clone(),
                        what,
                        code.clone(),
                    ));
                }
            }
        }
        let mut index: HashMap<String, Vec<Target>> = HashMap::new();
        let mut short_index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, a) in agencies.iter().enumerate() {
            for s in a.spellings() {
                let k = name_key(&s);
                if k.is_empty() {
                    continue;
                }
                let e = index.entry(k).or_default();
                if !e.contains(&Target::Agency(i)) {
                    e.push(Target::Agency(i));
                }
            }
            if let Some(short) = &a.short {
                let e = short_index.entry(name_key(short)).or_default();
                if !e.contains(&i) {
                    e.push(i);
                }
            }
        }
        for (i, g) in groups.iter().enumerate() {
            for s in std::iter::once(&g.name).chain(g.aliases.iter()) {
                index.entry(name_key(s)).or_default().push(Target::Group(i));
            }
        }
        Ok(Self {
            agencies,
            groups,
            by_code,
            index,
            short_index,
            scope: None,
        })
    }

    pub fn agencies(&self) -> &[AgencyRecord] {
        &self.agencies
    }

    pub fn groups(&self) -> &[GroupRecord] {
        &self.groups
    }

    pub fn agency(&self, code: &str) -> Option<&AgencyRecord> {
        self.by_code.get(code).map(|&i| &self.agencies[i])
    }

    pub(crate) fn agency_at(&self, i: usize) -> &AgencyRecord {
        &self.agencies[i]
    }

    pub(crate) fn group_at(&self, i: usize) -> &GroupRecord {
        &self.groups[i]
    }

    pub fn group(&self, code: &str) -> Option<&GroupRecord> {
        self.groups.iter().find(|g| g.code == code)
    }

    /// Serves one committee: its own agencies join the national ones, and groups expand within it.
    pub fn with_scope(mut self, committee: Option<String>) -> Self {
        self.scope = committee;
        self
    }

    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// The members of a group in force on a date: national agencies of the group's kinds, or for a
    /// provincial committee's own kinds (departments, communes), that committee's.
    pub fn members(&self, group_code: &str, on: Date) -> Vec<&AgencyRecord> {
        let Some(g) = self.group(group_code) else {
            return Vec::new();
        };
        self.agencies
            .iter()
            .filter(|a| {
                let in_scope = match a.kind {
                    AgencyKind::Department | AgencyKind::Commune => {
                        a.committee.is_some() && a.committee == self.scope
                    }
                    _ => a.committee.is_none(),
                };
                in_scope && g.member_kinds.contains(&a.kind) && a.valid_on(on)
            })
            .collect()
    }

    /// Adds a spelling to an agency (run-time edit of the registry).
    pub fn add_alias(&mut self, code: &str, alias: &str) -> bool {
        let Some(&i) = self.by_code.get(code) else {
            return false;
        };
        self.agencies[i].aliases.push(alias.to_string());
        let e = self.index.entry(name_key(alias)).or_default();
        if !e.contains(&Target::Agency(i)) {
            e.push(Target::Agency(i));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn shipped_registry_has_the_structure_in_force() {
        let r = Registry::default_registry().expect("shipped registry loads");
        let on = date!(2026 - 01 - 01);
        let provinces = r
            .agencies()
            .iter()
            .filter(|a| a.kind.is_local() && a.valid_on(on))
            .count();
        assert_eq!(provinces, 34);
        let before = r
            .agencies()
            .iter()
            .filter(|a| a.kind.is_local() && a.valid_on(date!(2025 - 06 - 30)))
            .count();
        assert_eq!(before, 63);
        let ministries = r
            .agencies()
            .iter()
            .filter(|a| a.kind == AgencyKind::Ministry && a.valid_on(on))
            .count();
        assert_eq!(ministries, 14);
        let level = r
            .agencies()
            .iter()
            .filter(|a| a.kind == AgencyKind::MinistryLevel && a.valid_on(on))
            .count();
        assert_eq!(level, 3);
        assert_eq!(r.members("G_DIA_PHUONG", on).len(), 34);
        assert_eq!(r.members("G_BO_CQNB", on).len(), 17);
    }

    #[test]
    fn provincial_groups_expand_within_their_committee() {
        let mut text = String::from(DEFAULT_REGISTRY_TOML);
        for (code, name, kind, committee) in [
            (
                "HN_SKHCN",
                "Sở Khoa học và Công nghệ Hà Nội",
                "department",
                "UB_HANOI",
            ),
            ("HN_STC", "Sở Tài chính Hà Nội", "department", "UB_HANOI"),
            ("HN_XA1", "UBND phường Ba Đình", "commune", "UB_HANOI"),
            ("HUE_STC", "Sở Tài chính Huế", "department", "UB_HUE"),
        ] {
            text.push_str(&format!("\n[[agency]]\ncode = \"{code}\"\nname = \"{name}\"\nkind = \"{kind}\"\ncommittee = \"{committee}\"\n"));
        }
        let on = date!(2026 - 01 - 01);
        let national = Registry::from_toml(&text).expect("loads");
        assert!(national.members("G_SO_NGANH", on).is_empty());
        let hanoi = Registry::from_toml(&text)
            .expect("loads")
            .with_scope(Some("UB_HANOI".into()));
        let codes: Vec<&str> = hanoi
            .members("G_SO_NGANH", on)
            .iter()
            .map(|a| a.code.as_str())
            .collect();
        assert_eq!(codes, vec!["HN_SKHCN", "HN_STC"]);
        assert_eq!(hanoi.members("G_XA", on).len(), 1);
        assert_eq!(
            hanoi.members("G_DIA_PHUONG", on).len(),
            34,
            "national groups stay national"
        );
        let r = hanoi.resolve("Các sở, ban, ngành", Some(on));
        assert_eq!(r[0].code.as_deref(), Some("G_SO_NGANH"));
    }

    #[test]
    fn duplicate_codes_are_refused() {
        let text = "[[agency]]\ncode='A'\nname='x'\nkind='ministry'\n[[agency]]\ncode='A'\nname='y'\nkind='ministry'\n";
        assert!(matches!(
            Registry::from_toml(text),
            Err(RegistryError::DuplicateCode(_))
        ));
    }
}
