//! A refused form shown again: what was typed, and each problem beside its field. The page is
//! answered 422 so that the browser keeps it as the form's answer.

use maud::{Markup, html};

/// The typed values of a refused form and its problems, each for one field.
#[derive(Debug, Clone, Default)]
pub struct Refused {
    values: Vec<(String, String)>,
    problems: Vec<(String, String)>,
}

impl Refused {
    /// A form refused with these typed values.
    pub fn typed<'a>(values: impl IntoIterator<Item = (&'a str, &'a str)>) -> Refused {
        Refused {
            values: values
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            problems: Vec::new(),
        }
    }

    /// Adds a problem of one field (the message in the users' words).
    pub fn problem(mut self, field: &str, message: impl Into<String>) -> Refused {
        self.problems.push((field.to_string(), message.into()));
        self
    }

    /// The value typed in a field, or `stored` when nothing was refused.
    pub fn value<'a>(this: Option<&'a Refused>, field: &str, stored: &'a str) -> &'a str {
        match this {
            Some(r) => r
                .values
                .iter()
                .find(|(k, _)| k == field)
                .map(|(_, v)| v.as_str())
                .unwrap_or(""),
            None => stored,
        }
    }

    /// `aria-invalid` for a field in error.
    pub fn invalid(this: Option<&Refused>, field: &str) -> Option<&'static str> {
        this.is_some_and(|r| r.problems.iter().any(|(f, _)| f == field))
            .then_some("true")
    }

    /// The id of the field's message, for `aria-describedby`.
    pub fn described(this: Option<&Refused>, field: &str) -> Option<String> {
        Self::invalid(this, field).map(|_| format!("loi-{field}"))
    }

    /// The field's problems, beside it.
    pub fn error_at(this: Option<&Refused>, field: &str) -> Markup {
        let messages: Vec<&str> = this
            .map(|r| {
                r.problems
                    .iter()
                    .filter(|(f, _)| f == field)
                    .map(|(_, m)| m.as_str())
                    .collect()
            })
            .unwrap_or_default();
        html! {
            @if !messages.is_empty() {
                span.field-error id={"loi-" (field)} role="alert" { (messages.join(" ")) }
            }
        }
    }

    /// Every problem's message, in order, one after another.
    pub fn messages(&self) -> String {
        self.problems
            .iter()
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// How many problems the form has.
    pub fn count(&self) -> usize {
        self.problems.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_form_shows_what_was_typed_and_each_problem_at_its_field() {
        let r = Refused::typed([("place", "<b>"), ("symbol", "BC BCĐ")])
            .problem("symbol", "Ký hiệu không hợp lệ.");
        assert_eq!(Refused::value(Some(&r), "place", "Hà Nội"), "<b>");
        assert_eq!(Refused::value(None, "place", "Hà Nội"), "Hà Nội");
        assert_eq!(Refused::invalid(Some(&r), "symbol"), Some("true"));
        assert_eq!(Refused::invalid(Some(&r), "place"), None);
        let html = Refused::error_at(Some(&r), "symbol").into_string();
        assert!(html.contains("id=\"loi-symbol\"") && html.contains("Ký hiệu không hợp lệ."));
        assert!(
            Refused::error_at(Some(&r), "place")
                .into_string()
                .is_empty()
        );
    }
}
