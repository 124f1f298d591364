//! The registry readers (YAML registries, GitLab flag files, flagd JSON, manifests) on
//! arbitrary text: an error or a registry, never a panic, a hang or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 5] = [
    "feature_flags.yaml",
    "config/feature_flags/development/x.yml",
    "flags.json",
    "flagd.json",
    "manifest.json",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = NAMES[pick as usize % NAMES.len()];
    if let Ok(kind) = flagdebt::registry::detect_kind(name, text) {
        let _ = flagdebt::registry::parse_str(name, text, kind);
    }
});
