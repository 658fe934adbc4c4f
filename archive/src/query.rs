//! Translation of a filter and a caller into SQL with bound parameters only.
//!
//! No request value is ever spliced into SQL text: each becomes a `?`
//! parameter, so quotes, semicolons and comment markers in values are data.

use rusqlite::types::Value;

use super::caller::Caller;
use super::filter::ArchiveFilter;

/// The escape character of every `LIKE` pattern built here.
const LIKE_ESCAPE: char = '\\';

/// A `WHERE` clause (without the keyword) and its parameters, in order.
#[derive(Debug, Default)]
pub(crate) struct Where {
    clauses: Vec<String>,
    params: Vec<Value>,
}

impl Where {
    /// The visibility limit of `caller` and every key of `filter`, ANDed.
    pub(crate) fn build(caller: &Caller, filter: &ArchiveFilter) -> Self {
        let mut w = Where::default();
        if let Some(projects) = caller.visible_projects() {
            // Applied in SQL, ANDed with everything else, so that TotalCount
            // counts only visible rows and no filter can widen the set. The
            // project list is one JSON parameter however long it is; exact
            // (wildcard-free) comparison.
            let json = serde_json::Value::from(projects.to_vec()).to_string();
            w.clauses.push(
                "project IN (SELECT id FROM text_value \
                 WHERE value IN (SELECT value FROM json_each(?)))"
                    .to_owned(),
            );
            w.params.push(Value::Text(json));
        }
        let f = filter;
        for (column, value) in [
            ("application_hash", &f.application_hash),
            ("artifact", &f.artifact),
            ("authenticated_user", &f.authenticated_user),
            ("client_library_name", &f.client_library_name),
            ("client_library_version", &f.client_library_version),
            ("command", &f.command),
            ("environment", &f.environment_dn),
            ("executable_location", &f.executable_location),
            ("executable", &f.executable),
            ("flow", &f.flow_dn),
            ("ip_address", &f.ip_address),
            ("key_type", &f.key_type),
            ("machine", &f.machine),
            ("project", &f.project_dn),
            ("remote_account", &f.remote_account),
        ] {
            if let Some(pattern) = value {
                let clause = w.text_match(column, pattern);
                w.clauses.push(clause);
            }
        }
        for (column, list) in [
            ("environment", &f.environment_dns),
            ("project", &f.project_dns),
        ] {
            if let Some(list) = list {
                let any: Vec<String> = list.iter().map(|p| w.text_match(column, p)).collect();
                w.clauses.push(format!("({})", any.join(" OR ")));
            }
        }
        let client_interface = f.client_interface.map(|c| c.code());
        for (column, value) in [
            ("client_interface", client_interface),
            ("client_mechanism", f.client_mechanism),
            ("event_id", f.event_id),
            ("grouping_number", f.grouping),
            ("key_vault_id", f.key_vault_id),
            ("mechanism", f.mechanism),
        ] {
            if let Some(v) = value {
                w.clauses.push(format!("{column} = ?"));
                w.params.push(Value::Integer(v));
            }
        }
        // Seed: TimestampAfter excludes entries "prior to" it and
        // TimestampBefore excludes entries later than it (the seed's sentence
        // says "earlier", a copy of the line above). Both bounds inclusive.
        if let Some(after) = f.timestamp_after {
            w.clauses.push("ts >= ?".to_owned());
            w.params.push(Value::Integer(after.unix_micros()));
        }
        if let Some(before) = f.timestamp_before {
            w.clauses.push("ts <= ?".to_owned());
            w.params.push(Value::Integer(before.unix_micros()));
        }
        w
    }

    /// The clause matching `column` against a seed pattern, pushing its parameter.
    ///
    /// A dictionary column holds `text_value` ids: the pattern is matched
    /// against the (small) dictionary, and the entries by id.
    fn text_match(&mut self, column: &str, pattern: &str) -> String {
        // The connection runs with `case_sensitive_like = ON`, so LIKE
        // compares like `=` except for `%`, and can use an index for a
        // literal prefix.
        let (op, value) = if pattern.contains('%') {
            (
                format!("LIKE ? ESCAPE '{LIKE_ESCAPE}'"),
                like_pattern(pattern),
            )
        } else {
            ("= ?".to_owned(), pattern.to_owned())
        };
        self.params.push(Value::Text(value));
        match (is_inline(column), pattern.contains('%')) {
            (true, _) => format!("{column} {op}"),
            (false, false) => format!("{column} = (SELECT id FROM text_value WHERE value {op})"),
            (false, true) => format!("{column} IN (SELECT id FROM text_value WHERE value {op})"),
        }
    }

    /// The SQL text after `WHERE`.
    pub(crate) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "1".to_owned()
        } else {
            self.clauses.join(" AND ")
        }
    }

    /// The parameters of [`Where::sql`], in order.
    pub(crate) fn params(&self) -> &[Value] {
        &self.params
    }
}

/// Text columns stored in the entry row itself. Every other text column is
/// an id into the `text_value` dictionary (see `storage.rs`).
pub(crate) const INLINE_TEXT_COLUMNS: &[&str] = &["artifact", "command"];

fn is_inline(column: &str) -> bool {
    INLINE_TEXT_COLUMNS.contains(&column)
}

/// A seed pattern as a SQL `LIKE` pattern: `%` stays the wildcard; `_` (SQL's
/// one-character wildcard) and the escape character itself are escaped so
/// they match literally.
pub(crate) fn like_pattern(seed: &str) -> String {
    let mut out = String::with_capacity(seed.len() + 4);
    for c in seed.chars() {
        if c == '_' || c == LIKE_ESCAPE {
            out.push(LIKE_ESCAPE);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caller::Role;

    #[test]
    fn like_escaping() {
        assert_eq!(like_pattern("a_b%"), "a\\_b%");
        assert_eq!(like_pattern("C:\\%"), "C:\\\\%");
        assert_eq!(like_pattern("%'; DROP TABLE x; --"), "%'; DROP TABLE x; --");
    }

    #[test]
    fn values_are_parameters_never_sql() {
        let filter = ArchiveFilter {
            command: Some("'); DELETE FROM archive_entry; --%".into()),
            machine: Some("m".into()),
            project_dns: Some(vec!["a".into(), "b%".into()]),
            event_id: Some(7),
            ..ArchiveFilter::default()
        };
        let caller = Caller::new(Role::CodeSigningAuditor).auditing("p");
        let w = Where::build(&caller, &filter);
        let sql = w.sql();
        assert!(!sql.contains("DELETE"));
        assert_eq!(sql.matches('?').count(), w.params().len());
        assert_eq!(
            sql,
            "project IN (SELECT id FROM text_value WHERE value IN (SELECT value FROM json_each(?))) \
             AND command LIKE ? ESCAPE '\\' \
             AND machine = (SELECT id FROM text_value WHERE value = ?) \
             AND (project = (SELECT id FROM text_value WHERE value = ?) \
             OR project IN (SELECT id FROM text_value WHERE value LIKE ? ESCAPE '\\')) \
             AND event_id = ?"
        );
        assert_eq!(w.params()[0], Value::Text("[\"p\"]".into()));
    }

    #[test]
    fn no_filter_matches_all() {
        let w = Where::build(&Caller::new(Role::TppAuditor), &ArchiveFilter::default());
        assert_eq!(w.sql(), "1");
        assert!(w.params().is_empty());
    }
}
