//! The Inventory: the one join. For every flag key, its references in code (and, as the
//! registry and provider sources arrive, its declarations and provider state). Every check
//! reads the Inventory; no check walks files or calls the network.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::scan::{Reference, ScanOutput, Unresolved};

#[derive(Debug, Default)]
pub struct Inventory {
    /// Every reference, sorted by (path, line, column).
    pub references: Vec<Reference>,
    /// Reads whose key could not be resolved.
    pub unresolved: Vec<Unresolved>,
    /// One row per flag key.
    pub flags: BTreeMap<String, FlagRow>,
}

/// One flag key and what is known of it.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FlagRow {
    pub key: String,
    /// Indexes into [`Inventory::references`].
    #[serde(skip)]
    pub references: Vec<usize>,
    /// How many references, and how many of them in test code.
    pub reference_count: usize,
    pub test_reference_count: usize,
    pub providers: Vec<String>,
}

impl Inventory {
    pub fn build(scan: &ScanOutput) -> Inventory {
        let mut inv = Inventory {
            references: scan.references.clone(),
            unresolved: scan.unresolved.clone(),
            flags: BTreeMap::new(),
        };
        for (i, r) in inv.references.iter().enumerate() {
            let row = inv.flags.entry(r.flag.clone()).or_insert_with(|| FlagRow {
                key: r.flag.clone(),
                ..Default::default()
            });
            row.references.push(i);
            row.reference_count += 1;
            if r.test {
                row.test_reference_count += 1;
            }
            if !row.providers.contains(&r.provider) {
                row.providers.push(r.provider.clone());
                row.providers.sort();
            }
        }
        inv
    }
}
