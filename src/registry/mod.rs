//! Declaration sources: where flags are declared (feature_flags.yaml, flag folders, flagd JSON,
//! the OpenFeature manifest). Owned by the registry work (issue 3).
