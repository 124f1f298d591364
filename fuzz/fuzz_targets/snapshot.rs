//! Provider snapshots and the provider state they decode into, on arbitrary text; a decoded
//! snapshot must write back and read again to the same state.
#![no_main]

use flagdebt::provider::snapshot;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(state) = snapshot::from_str(text, "state.json") {
        let again = snapshot::to_string(&state).expect("a read snapshot writes");
        let back = snapshot::from_str(&again, "state.json").expect("a written snapshot reads");
        assert_eq!(back, state);
    }
});
