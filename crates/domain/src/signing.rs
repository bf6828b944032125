//! How a committee issues its documents (Decree 30/2020/NĐ-CP): the place on the date line, the
//! symbol after the number ("Số:      /BC-BCĐ", the number itself left for the clerk who registers
//! the signed document), who signs and under which authority, and the recipients ("Nơi nhận").
//! Each committee keeps its own; until it sets one, [`Signing::usual`] gives the usual form.

/// A committee's way of signing its reports, checked field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    /// "Hà Nội": the date line reads "Hà Nội, ngày … tháng … năm …".
    pub place: String,
    /// The symbol after the number: "BC-BCĐ" gives "Số:      /BC-BCĐ".
    pub symbol: String,
    /// The authority line above the title ("TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN"); may be empty
    /// when the head signs in their own name.
    pub authority: String,
    /// The signer's title ("TRƯỞNG BAN", "PHÓ TRƯỞNG BAN THƯỜNG TRỰC").
    pub signer_title: String,
    /// The signer's name, printed under the space for the signature; empty leaves it to be
    /// written by hand.
    pub signer_name: String,
    /// "Nơi nhận", one recipient each; "Lưu: VT" ends the list when not given.
    pub recipients: Vec<String>,
}

/// A field of [`Signing`] that cannot be used, and why (in the users' words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningProblem {
    /// The form's field: `place`, `symbol`, `authority`, `signer_title`, `signer_name`,
    /// `recipients`.
    pub field: &'static str,
    pub message: String,
}

const SHORT: usize = 200;

impl Signing {
    /// The usual form for a committee that has set nothing: issued in Hà Nội (a province's
    /// committee sets its own place), a report "BC-BCĐ", signed for the committee by its head.
    pub fn usual() -> Signing {
        Signing {
            place: "Hà Nội".into(),
            symbol: "BC-BCĐ".into(),
            authority: "TM. BAN CHỈ ĐẠO".into(),
            signer_title: "TRƯỞNG BAN".into(),
            signer_name: String::new(),
            recipients: vec!["Các thành viên Ban Chỉ đạo".into()],
        }
    }

    /// Reads the fields as typed. Every problem is returned, each with its field; nothing is
    /// guessed. Titles are kept as typed (the document prints them in capitals).
    pub fn read(
        place: &str,
        symbol: &str,
        authority: &str,
        signer_title: &str,
        signer_name: &str,
        recipients: &str,
    ) -> Result<Signing, Vec<SigningProblem>> {
        let mut problems = Vec::new();
        let mut line = |field: &'static str, what: &str, raw: &str, required: bool| {
            let v = crate::text::clean(raw);
            if crate::text::has_markup(raw) {
                problems.push(SigningProblem {
                    field,
                    message: format!("{what} không được chứa thẻ HTML."),
                });
            } else if required && v.is_empty() {
                problems.push(SigningProblem {
                    field,
                    message: format!("Cần nhập {}.", what.to_lowercase()),
                });
            } else if v.chars().count() > SHORT {
                problems.push(SigningProblem {
                    field,
                    message: format!("{what} dài quá {SHORT} ký tự."),
                });
            }
            v
        };
        let place = line("place", "Địa danh", place, true);
        let symbol = line("symbol", "Ký hiệu văn bản", symbol, true);
        let authority = line("authority", "Quyền hạn ký", authority, false);
        let signer_title = line("signer_title", "Chức vụ người ký", signer_title, true);
        let signer_name = line("signer_name", "Họ tên người ký", signer_name, false);
        if !symbol.is_empty() && !symbol_is_valid(&symbol) {
            problems.push(SigningProblem {
                field: "symbol",
                message: "Ký hiệu văn bản gồm chữ viết tắt loại văn bản và cơ quan, nối bằng dấu gạch ngang, không có dấu cách, ví dụ BC-BCĐ.".into(),
            });
        }
        let mut list = Vec::new();
        for raw in recipients.lines() {
            let v = crate::text::clean(raw);
            let v = v.trim_start_matches(['-', '–', '+', '•']).trim();
            let v = v.trim_end_matches([';', '.', ',']).trim().to_string();
            if v.is_empty() {
                continue;
            }
            if crate::text::has_markup(raw) {
                problems.push(SigningProblem {
                    field: "recipients",
                    message: "Nơi nhận không được chứa thẻ HTML.".into(),
                });
                break;
            }
            if v.chars().count() > SHORT {
                problems.push(SigningProblem {
                    field: "recipients",
                    message: format!("Mỗi nơi nhận dài không quá {SHORT} ký tự."),
                });
                break;
            }
            list.push(v);
        }
        if list.len() > 30 {
            problems.push(SigningProblem {
                field: "recipients",
                message: "Nhiều nhất 30 nơi nhận.".into(),
            });
        }
        if problems.is_empty() {
            Ok(Signing {
                place,
                symbol,
                authority,
                signer_title,
                signer_name,
                recipients: list,
            })
        } else {
            Err(problems)
        }
    }

    /// "Số:      /BC-BCĐ": the number is given when the signed document is registered.
    pub fn number_line(&self) -> String {
        format!("Số:      /{}", self.symbol)
    }

    /// The "Nơi nhận" lines as Decree 30 writes them: "- X;" each, the archive last ("- Lưu: VT.").
    pub fn recipient_lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .recipients
            .iter()
            .filter(|r| !crate::text::fold(r).starts_with("luu"))
            .map(|r| format!("- {r};"))
            .collect();
        let archive = self
            .recipients
            .iter()
            .find(|r| crate::text::fold(r).starts_with("luu"))
            .cloned()
            .unwrap_or_else(|| "Lưu: VT".into());
        out.push(format!("- {archive}."));
        out
    }

    /// The signature block's lines above the space for the signature, in capitals.
    pub fn signer_lines(&self) -> Vec<String> {
        [&self.authority, &self.signer_title]
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.to_uppercase())
            .collect()
    }
}

/// Letters (any script), digits, "Đ" and the hyphens between parts; no spaces, no slash (the
/// slash goes between number and symbol).
fn symbol_is_valid(s: &str) -> bool {
    s.split('-')
        .all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_form_is_read_with_the_archive_last() {
        let s = Signing::read(
            " Hà Nội ",
            "BC-BCĐ",
            "KT. Trưởng ban",
            "Phó Trưởng ban thường trực",
            "Nguyễn Văn A",
            "- Thủ tướng Chính phủ (để b/c);\n\n- Lưu: VT, Vụ ĐMDN\n- Các thành viên Ban Chỉ đạo;",
        )
        .map_err(|p| format!("{p:?}"));
        let Ok(s) = s else {
            panic!("refused: {s:?}");
        };
        assert_eq!(s.place, "Hà Nội");
        assert_eq!(s.number_line(), "Số:      /BC-BCĐ");
        assert_eq!(
            s.signer_lines(),
            vec!["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN THƯỜNG TRỰC"]
        );
        assert_eq!(
            s.recipient_lines(),
            vec![
                "- Thủ tướng Chính phủ (để b/c);",
                "- Các thành viên Ban Chỉ đạo;",
                "- Lưu: VT, Vụ ĐMDN."
            ]
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let Err(problems) =
            Signing::read("", "BC BCĐ", "<b>TM</b>", "", "", "- <script>x</script>")
        else {
            panic!("accepted");
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            vec!["place", "authority", "signer_title", "symbol", "recipients"]
        );
        // "Sử dụng <VNeID>" is text, not markup.
        assert!(
            Signing::read(
                "Hà Nội",
                "BC-BCĐ",
                "",
                "Trưởng ban",
                "",
                "Bộ Công an <VNeID>"
            )
            .is_ok()
        );
    }

    #[test]
    fn without_recipients_the_archive_is_still_written() {
        let mut s = Signing::usual();
        s.recipients.clear();
        assert_eq!(s.recipient_lines(), vec!["- Lưu: VT."]);
    }
}
