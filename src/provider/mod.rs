//! Provider state: Flagsmith, Unleash, LaunchDarkly and offline snapshots (issue 5).
