//! Checks: pure functions of the Inventory, one file each.
