//! The provider decoders (Flagsmith, LaunchDarkly, Unleash) on arbitrary responses, with no
//! network ([`flagdebt::provider::fetch_replayed`]): the first byte picks the provider, the
//! rest is the bodies of the responses to its requests, in order, separated by 0x1E. Any
//! outcome but a panic or a hang is right: a snapshot, or an error whose message is one line.
#![no_main]

use flagdebt::provider::{fetch_replayed, ProviderConfig, ProviderKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let kind = match which % 3 {
        0 => ProviderKind::Flagsmith,
        1 => ProviderKind::Unleash,
        _ => ProviderKind::Launchdarkly,
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let bodies = text.split('\u{1e}').map(str::to_string).collect();
    let mut config = ProviderConfig::new(kind, "http://127.0.0.1:9", "demo", "FUZZ_TOKEN");
    config.concurrency = 1;
    config.max_pages = 8;
    if let Err(e) = fetch_replayed(&config, bodies) {
        let message = e.to_string();
        assert!(!message.contains('\n'), "{message}");
    }
});
