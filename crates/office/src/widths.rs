//! Column widths that keep a table's rows short. Each column gets at least its longest word (no
//! word is broken across lines, no date split after its slash); the rest of the page goes where
//! the text is: first in proportion to the square root of each column's amount of text (the
//! split that makes the fewest lines in all), then moved column to column while that lowers the
//! table's height, counted as the sum over rows of each row's tallest cell.

/// Twentieths of a point per character of Times New Roman 13 (about 0.45 em on Vietnamese text).
const CHAR: f64 = 120.0;
/// A cell's left and right margins, in twentieths of a point.
const MARGINS: u32 = 160;
/// Slack kept beside a word's measured width, in characters, so that it is never cut in two
/// ("Hạn|g") by a rounding of the measure.
const WORD_SLACK: f64 = 0.8;
/// Rows looked at when moving width: evenly spread over the table.
const SAMPLE: usize = 300;
/// Moves tried at most.
const ROUNDS: usize = 60;

/// The paragraphs of a cell, each as its length and its longest word, in characters.
#[derive(Debug, Clone, Default)]
struct Cell {
    paragraphs: Vec<(f64, f64)>,
}

/// The width of a letter of Times New Roman in ems, roughly: capitals and "m", "w" wide; "i",
/// "l", "t", "f", "r" and punctuation narrow; the rest (with their Vietnamese marks) half an em.
fn em(c: char) -> f64 {
    let base = unicode_base(c);
    match base {
        'M' | 'W' => 0.9,
        'm' | 'w' => 0.75,
        c if c.is_uppercase() => 0.7,
        'i' | 'l' | 'j' | 't' | 'f' | 'r' | 'I' => 0.3,
        ' ' | ',' | '.' | ';' | ':' | '\'' | '!' | '|' => 0.25,
        '(' | ')' | '/' | '-' | '[' | ']' => 0.33,
        '%' => 0.83,
        _ => 0.5,
    }
}

/// The letter under Vietnamese marks ("ạ" → 'a', "Ư" → 'U'), for its width.
fn unicode_base(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    let folded = tiendo_domain::text::fold(&c.to_string());
    match folded.chars().next() {
        Some(b) if c.is_uppercase() => b.to_ascii_uppercase(),
        Some(b) => b,
        None => c,
    }
}

/// The width of text in characters of [`CHAR`] (an average letter: 0.46 em).
fn measure(text: &str) -> f64 {
    text.chars().map(em).sum::<f64>() / 0.46
}

impl Cell {
    fn of(text: &str, scale: f64) -> Cell {
        Cell {
            paragraphs: text
                .split('\n')
                .map(|p| {
                    let len = measure(p) * scale;
                    let word = p.split_whitespace().map(measure).fold(0.0, f64::max) * scale;
                    (len, word)
                })
                .collect(),
        }
    }

    fn chars(&self) -> f64 {
        self.paragraphs.iter().map(|(l, _)| l).sum()
    }

    fn longest_word(&self) -> f64 {
        self.paragraphs.iter().map(|(_, w)| *w).fold(0.0, f64::max)
    }

    /// Lines the cell takes in a column `width` characters wide (word wrap loses about a tenth
    /// of each line).
    fn lines(&self, width: f64) -> f64 {
        let usable = (width * 0.92).max(1.0);
        self.paragraphs
            .iter()
            .map(|(len, _)| (len / usable).ceil().max(1.0))
            .sum()
    }
}

/// Widths in twentieths of a point adding up to `total`, for columns with these headers and these
/// rows, `text(row, column)` giving a cell's text (asked of the sampled rows only); `hints`
/// (relative) are used as they are when the table has no rows.
pub fn fit<R>(
    headers: &[String],
    rows: &[R],
    text: impl Fn(&R, usize) -> String,
    hints: &[u32],
    total: u32,
) -> Vec<u32> {
    let n = headers.len();
    if n == 0 {
        return Vec::new();
    }
    let by_hints = || {
        let sum: u32 = hints.iter().map(|h| (*h).max(1)).sum::<u32>().max(1);
        let mut w: Vec<u32> = (0..n)
            .map(|i| hints.get(i).copied().unwrap_or(1).max(1) * total / sum)
            .collect();
        settle(&mut w, total);
        w
    };
    if rows.is_empty() || total <= MARGINS * n as u32 {
        return by_hints();
    }
    let avail = f64::from(total - MARGINS * n as u32) / CHAR;
    // Headers are bold: a tenth wider.
    let head: Vec<Cell> = headers.iter().map(|h| Cell::of(h, 1.1)).collect();
    let step = rows.len().div_ceil(SAMPLE).max(1);
    let sample: Vec<Vec<Cell>> = rows
        .iter()
        .step_by(step)
        .map(|r| (0..n).map(|i| Cell::of(&text(r, i), 1.0)).collect())
        .collect();
    let cap = (avail / 4.0).max(3.0);
    let mut min: Vec<f64> = (0..n)
        .map(|i| {
            let word = sample
                .iter()
                .map(|r| r[i].longest_word())
                .fold(head[i].longest_word(), f64::max);
            (word + WORD_SLACK).clamp(2.5, cap)
        })
        .collect();
    let min_sum: f64 = min.iter().sum();
    if min_sum >= avail {
        let k = avail / min_sum;
        min.iter_mut().for_each(|m| *m *= k);
        return to_twips(&min, total);
    }
    let amount: Vec<f64> = (0..n)
        .map(|i| sample.iter().map(|r| r[i].chars()).sum::<f64>() + head[i].chars())
        .collect();
    let mut width = water_fill(&amount, &min, avail);
    let height = |w: &[f64]| -> f64 {
        let row = |cells: &[Cell]| {
            cells
                .iter()
                .zip(w)
                .map(|(c, w)| c.lines(*w))
                .fold(1.0, f64::max)
        };
        row(&head) + sample.iter().map(|r| row(r)).sum::<f64>()
    };
    let unit = (avail / 100.0).max(1.0);
    let mut best = height(&width);
    for _ in 0..ROUNDS {
        let mut improved: Option<(f64, Vec<f64>)> = None;
        for to in 0..n {
            for from in 0..n {
                if to == from || width[from] - unit < min[from] {
                    continue;
                }
                let mut w = width.clone();
                w[to] += unit;
                w[from] -= unit;
                let h = height(&w);
                if h < improved.as_ref().map_or(best, |(b, _)| *b) {
                    improved = Some((h, w));
                }
            }
        }
        match improved {
            Some((h, w)) => {
                best = h;
                width = w;
            }
            None => break,
        }
    }
    to_twips(&width, total)
}

/// Shares in proportion to the square root of each column's text, none below its minimum.
fn water_fill(amount: &[f64], min: &[f64], avail: f64) -> Vec<f64> {
    let weight: Vec<f64> = amount.iter().map(|a| a.max(1.0).sqrt()).collect();
    let mut fixed = vec![false; amount.len()];
    loop {
        let left = avail
            - min
                .iter()
                .zip(&fixed)
                .filter(|(_, f)| **f)
                .map(|(m, _)| m)
                .sum::<f64>();
        let free: f64 = weight
            .iter()
            .zip(&fixed)
            .filter(|(_, f)| !**f)
            .map(|(w, _)| w)
            .sum();
        let w: Vec<f64> = (0..amount.len())
            .map(|i| {
                if fixed[i] {
                    min[i]
                } else {
                    weight[i] / free.max(f64::MIN_POSITIVE) * left
                }
            })
            .collect();
        let mut changed = false;
        for i in 0..w.len() {
            if !fixed[i] && w[i] < min[i] {
                fixed[i] = true;
                changed = true;
            }
        }
        if !changed {
            return w;
        }
    }
}

fn to_twips(chars: &[f64], total: u32) -> Vec<u32> {
    let mut w: Vec<u32> = chars
        .iter()
        .map(|c| (c * CHAR).round() as u32 + MARGINS)
        .collect();
    settle(&mut w, total);
    w
}

/// Makes the widths add up to `total` exactly, the difference going to the widest column.
fn settle(w: &mut [u32], total: u32) {
    let sum: u32 = w.iter().sum();
    if let Some(i) = (0..w.len()).max_by_key(|i| w[*i]) {
        w[i] = (w[i] + total).saturating_sub(sum).max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row's cell text.
    fn cell() -> impl Fn(&Vec<String>, usize) -> String {
        |r, i| r.get(i).cloned().unwrap_or_default()
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// The table's height in lines, as the writer would lay it out.
    fn lines(headers: &[String], rows: &[Vec<String>], w: &[u32]) -> f64 {
        let chars: Vec<f64> = w.iter().map(|t| f64::from(t - MARGINS) / CHAR).collect();
        let row = |cells: Vec<Cell>| {
            cells
                .iter()
                .zip(&chars)
                .map(|(c, w)| c.lines(*w))
                .fold(1.0, f64::max)
        };
        row(headers.iter().map(|h| Cell::of(h, 1.1)).collect())
            + rows
                .iter()
                .map(|r| row(r.iter().map(|c| Cell::of(c, 1.0)).collect()))
                .sum::<f64>()
    }

    #[test]
    fn the_long_text_gets_the_room_and_no_word_or_date_is_broken() {
        let headers = s(&[
            "TT",
            "Nhiệm vụ",
            "Cơ quan chủ trì",
            "Hạn hoàn thành",
            "Số ngày quá hạn",
        ]);
        let task = "Hoàn thiện hồ sơ trình Chính phủ ban hành Nghị định quy định chi tiết một số điều của Luật Dữ liệu, bảo đảm đồng bộ với hệ thống cơ sở dữ liệu quốc gia về dân cư";
        let rows: Vec<Vec<String>> = (1..=40)
            .map(|i| {
                vec![
                    i.to_string(),
                    task.to_string(),
                    "Bộ Khoa học và Công nghệ".to_string(),
                    "31/12/2026".to_string(),
                    "145".to_string(),
                ]
            })
            .collect();
        let hints = [5, 32, 15, 12, 8];
        let total = 14287;
        let w = fit(&headers, &rows, cell(), &hints, total);
        assert_eq!(w.iter().sum::<u32>(), total);
        // The date fits on one line; "31/12/2026" is 10 characters.
        assert!(f64::from(w[3] - MARGINS) / CHAR >= 10.0, "{w:?}");
        assert!(w[1] > w[2] && w[2] > w[0], "{w:?}");
        let by_hints = fit(&headers, &[] as &[Vec<String>], cell(), &hints, total);
        assert!(
            lines(&headers, &rows, &w) < lines(&headers, &rows, &by_hints),
            "fitted {w:?} is no shorter than the hints {by_hints:?}"
        );
    }

    #[test]
    fn an_empty_table_keeps_its_hints_and_widths_always_add_up() {
        let headers = s(&["A", "B"]);
        let none: &[Vec<String>] = &[];
        assert_eq!(fit(&headers, none, cell(), &[1, 3], 1000), vec![250, 750]);
        let rows = vec![s(&["x".repeat(500).as_str(), "y"])];
        let w = fit(&headers, &rows, cell(), &[1, 1], 1000);
        assert_eq!(w.iter().sum::<u32>(), 1000);
        assert!(fit(&[], &rows, cell(), &[], 1000).is_empty());
    }
}
