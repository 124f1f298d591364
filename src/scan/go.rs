//! Go adapter (to be written).

use serde_json::Value;
use tree_sitter::Node;

use super::extract::{Adapter, Cx, KeyExpr};

pub struct Go;

impl Adapter for Go {
    fn visit<'t>(&self, _node: Node<'t>, _cx: &mut Cx<'t>) {}

    fn key(&self, _node: Node, _cx: &Cx) -> KeyExpr {
        KeyExpr::Dynamic("unsupported".into())
    }

    fn literal(&self, _node: Node, _cx: &Cx) -> Option<Value> {
        None
    }
}
