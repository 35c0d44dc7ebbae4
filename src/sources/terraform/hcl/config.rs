//! One module directory's configuration: its files, parsed, and the declarations in them
//! (variables, locals, resources, data sources, module calls, outputs, providers), each
//! with the file it is written in.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body};

use crate::model::DocId;

/// A `.tf` or `.tfvars` file, parsed.
#[derive(Debug)]
pub(crate) struct SourceFile {
    pub id: DocId,
    pub name: String,
    pub path: PathBuf,
    pub text: Arc<str>,
    /// `None` when the file has a syntax error (reported on its own; the module is still
    /// checked without it).
    pub body: Option<Body>,
}

/// Whether a resource block is a managed resource or a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Managed,
    Data,
}

impl Mode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Managed => "managed",
            Self::Data => "data",
        }
    }
}

/// A `resource` or `data` block.
#[derive(Debug)]
pub(crate) struct ResourceDecl<'f> {
    pub mode: Mode,
    pub kind: String,
    pub name: String,
    pub file: &'f SourceFile,
    pub block: &'f Block,
}

impl ResourceDecl<'_> {
    /// The address inside its module, without an instance key: `data.ibm_x.y`.
    pub(crate) fn local_address(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.kind, self.name),
            Mode::Data => format!("data.{}.{}", self.kind, self.name),
        }
    }
}

/// A `module` block.
#[derive(Debug)]
pub(crate) struct CallDecl<'f> {
    pub name: String,
    /// The literal `source`, when it is one.
    pub source: Option<String>,
    pub file: &'f SourceFile,
    pub block: &'f Block,
}

impl CallDecl<'_> {
    /// A local module (`./x`, `../x`) is read from its directory; any other source (the
    /// registry, git, a URL) is not fetched.
    pub(crate) fn is_local(&self) -> bool {
        self.source
            .as_deref()
            .is_some_and(|source| source.starts_with("./") || source.starts_with("../"))
    }
}

/// A block with one label (`variable`, `output`, `provider`).
#[derive(Debug)]
pub(crate) struct Named<'f> {
    pub file: &'f SourceFile,
    pub block: &'f Block,
}

/// The declarations of one module directory.
#[derive(Debug, Default)]
pub(crate) struct ModuleDef<'f> {
    pub dir: PathBuf,
    pub variables: BTreeMap<String, Named<'f>>,
    pub locals: BTreeMap<String, (&'f SourceFile, &'f Attribute)>,
    pub resources: Vec<ResourceDecl<'f>>,
    pub calls: Vec<CallDecl<'f>>,
    pub outputs: BTreeMap<String, Named<'f>>,
    pub providers: Vec<(String, Named<'f>)>,
}

impl<'f> ModuleDef<'f> {
    /// Reads the declarations of `files` (the configuration files of `dir`, in name order).
    /// A second declaration of a name keeps the first, as `terraform validate` would reject
    /// the configuration anyway.
    pub(crate) fn new(dir: PathBuf, files: &[&'f SourceFile]) -> Self {
        let mut def = Self {
            dir,
            ..Self::default()
        };
        for file in files {
            let Some(body) = &file.body else { continue };
            for block in body.blocks() {
                def.declare(file, block);
            }
        }
        def
    }

    fn declare(&mut self, file: &'f SourceFile, block: &'f Block) {
        let labels: Vec<&str> = block.labels.iter().map(|label| label.as_str()).collect();
        match (block.ident.as_str(), labels.as_slice()) {
            ("resource", [kind, name]) | ("data", [kind, name]) => {
                let mode = if block.ident.as_str() == "data" {
                    Mode::Data
                } else {
                    Mode::Managed
                };
                let duplicate = self
                    .resources
                    .iter()
                    .any(|other| other.mode == mode && other.kind == *kind && other.name == *name);
                if !duplicate {
                    self.resources.push(ResourceDecl {
                        mode,
                        kind: (*kind).to_owned(),
                        name: (*name).to_owned(),
                        file,
                        block,
                    });
                }
            }
            ("module", [name]) if !self.calls.iter().any(|call| call.name == *name) => {
                let source = attribute(&block.body, "source").and_then(|expr| match expr {
                    Expression::String(text) => Some(text.as_str().to_owned()),
                    _ => None,
                });
                self.calls.push(CallDecl {
                    name: (*name).to_owned(),
                    source,
                    file,
                    block,
                });
            }
            ("variable", [name]) => {
                self.variables
                    .entry((*name).to_owned())
                    .or_insert(Named { file, block });
            }
            ("output", [name]) => {
                self.outputs
                    .entry((*name).to_owned())
                    .or_insert(Named { file, block });
            }
            ("provider", [name]) => {
                let alias = attribute(&block.body, "alias").and_then(|expr| match expr {
                    Expression::String(text) => Some(text.as_str().to_owned()),
                    _ => None,
                });
                let key = match alias {
                    Some(alias) => format!("{name}.{alias}"),
                    None => (*name).to_owned(),
                };
                self.providers.push((key, Named { file, block }));
            }
            ("locals", []) => {
                for local in block.body.attributes() {
                    self.locals
                        .entry(local.key.as_str().to_owned())
                        .or_insert((file, local));
                }
            }
            _ => {}
        }
    }

    pub(crate) fn resource(&self, mode: Mode, kind: &str, name: &str) -> Option<&ResourceDecl<'f>> {
        self.resources
            .iter()
            .find(|decl| decl.mode == mode && decl.kind == kind && decl.name == name)
    }
}

/// The expression of argument `name` of a body.
pub(crate) fn attribute<'b>(body: &'b Body, name: &str) -> Option<&'b Expression> {
    body.get_attribute(name).map(|attribute| &attribute.value)
}

/// Arguments that steer Terraform rather than describe the resource: never values.
pub(crate) const META_ARGUMENTS: &[&str] = &[
    "count",
    "for_each",
    "depends_on",
    "provider",
    "providers",
    "source",
    "version",
];

/// Blocks that steer Terraform rather than describe the resource.
pub(crate) const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection", "timeouts"];
