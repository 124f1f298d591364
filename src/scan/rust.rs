//! Rust, through syn (to be written).

use super::extract::FileFacts;
use crate::rules::RuleSet;

pub fn extract(rel: &str, _text: &str, _rules: &RuleSet, _with_rules: bool) -> Option<FileFacts> {
    Some(FileFacts {
        path: rel.to_string(),
        language: Some(crate::lang::Language::Rust),
        ..Default::default()
    })
}
