//! Names a saved template may take (spec §5.16).

use crate::pyfmt::py_repr_str;

/// Why `name` cannot be a saved template's name, or `None`. Built-in names are reserved:
/// a YAML file by that name would shadow the vetted built-in.
pub fn template_name_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.contains('/') || name.contains('\\') || name.starts_with('.') || name.contains('\0') {
        return Some(format!(
            "Invalid workflow name {}: a template name must be non-empty and contain no path separators, \
             leading dots, or null bytes",
            py_repr_str(name)
        ));
    }
    if crate::catalog::BUILTIN_NAMES.contains(&name) {
        return Some(format!(
            "Invalid workflow name {}: it is a built-in template's name, and a saved template by that name \
             would replace the built-in. Choose another, such as '{name}_custom'.",
            py_repr_str(name)
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(template_name_problem("restart_db_replica"), None);
        for bad in ["", "a/b", "a\\b", ".hidden", "nul\0"] {
            assert!(template_name_problem(bad).unwrap().contains("Invalid workflow name"), "{bad:?}");
        }
        let builtin = template_name_problem("rolling_restart").unwrap();
        assert!(builtin.contains("built-in") && builtin.contains("'rolling_restart_custom'"), "{builtin}");
    }
}
