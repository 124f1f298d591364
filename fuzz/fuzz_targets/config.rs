//! `.flagdebt.yml` on arbitrary text, then the rule set it asks for (`helpers:` become rules).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cfg) = flagdebt::config::Config::parse(text, std::path::Path::new(".flagdebt.yml")) {
        let _ = cfg.walk_options();
        let _ = cfg.env_settings();
    }
});
