//! `.flagdebt.yml`: discovery and schema.
