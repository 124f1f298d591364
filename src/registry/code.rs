//! Flags declared in code: the scanner's `kind: declaration` matches ([`CodeDecl`]) read into
//! [`Declaration`]s (`source: code`) with the same field interpretation as registry files, so
//! `stage: featuregate.GA` mapped to `ga` by a rule means what `stage: ga` means in YAML, and a
//! value flagdebt cannot use is an `invalid-registry` problem at its line.

use super::fields::{Builder, Pos};
use super::{Declaration, Registry, SourceKind};
use crate::scan::CodeDecl;

/// One registry holding every code declaration.
pub fn from_scan(decls: &[CodeDecl]) -> Registry {
    let Registry {
        mut declarations,
        mut problems,
    } = Registry::default();
    for d in decls {
        let decl = Declaration::new(
            &d.key,
            SourceKind::Code,
            &d.path,
            d.span.line,
            d.span.column,
        );
        let mut b = Builder::new(decl, &mut problems);
        for (name, value, line) in &d.fields {
            let pos = Pos {
                line: *line,
                column: 1,
            };
            b.field(name, value, pos);
        }
        declarations.push(b.finish());
    }
    let mut reg = Registry {
        declarations,
        problems,
    };
    reg.sort();
    reg
}
