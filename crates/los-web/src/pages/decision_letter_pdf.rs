//! The decision letter as a PDF: the same content, in the same (the person's) language, as the
//! printable HTML letter, laid out on A4 pages.
//!
//! The text is set in the PDF's built-in Helvetica, which every reader has, so no font is
//! embedded. Built-in fonts are WinAnsi (Windows-1252) encoded, which covers Norwegian, Swedish
//! and English letters (æ ø å ä ö é, quotes, dashes); a character it lacks is shown as `?`
//! rather than failing. Lines are wrapped by the font's own glyph widths and pages are added
//! as needed; nothing here can panic on any input.
//!
//! The layout machinery (`Writer`, `Face`, the sizes and [`document`]) is shared with the
//! printed individual plan (`plan_pdf.rs`).

use std::sync::LazyLock;

use printpdf::{
    BuiltinFont, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect,
    TextItem,
};

use super::decision_letter::LetterPage;

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
/// 2 cm margins, as the printed HTML letter.
pub(super) const MARGIN: f32 = 56.69;
pub(super) const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Where the body stops; the page number sits below it.
const BOTTOM: f32 = MARGIN + 14.0;

pub(super) const BODY: f32 = 11.0;
pub(super) const H1: f32 = 16.0;
pub(super) const H2: f32 = 12.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.4;
/// Inner padding of the appeal box.
const BOX_PAD: f32 = 8.0;

pub(super) struct Metrics {
    font: Option<ParsedFont>,
    units_per_em: f32,
}

impl Metrics {
    fn of(font: BuiltinFont) -> Self {
        let font = font.get_parsed_font();
        let units_per_em = font.as_ref().map(|f| f32::from(f.pdf_font_metrics.units_per_em)).unwrap_or(1000.0);
        Self { font, units_per_em: if units_per_em > 0.0 { units_per_em } else { 1000.0 } }
    }

    /// The advance of `c` in em; a character the font lacks is drawn as `?`.
    fn advance(&self, c: char) -> f32 {
        // The built-in faces' glyph tables have no space; both Helvetica faces give it 278/1000.
        if c == ' ' || c == '\u{a0}' {
            return 0.278;
        }
        let Some(font) = &self.font else { return 0.55 };
        let width = |c: char| font.lookup_glyph_index(u32::from(c)).and_then(|gid| font.get_glyph_width(gid));
        width(c).or_else(|| width('?')).map(|w| f32::from(w) / self.units_per_em).unwrap_or(0.55)
    }

    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }
}

static REGULAR: LazyLock<Metrics> = LazyLock::new(|| Metrics::of(BuiltinFont::Helvetica));
pub(super) static BOLD: LazyLock<Metrics> = LazyLock::new(|| Metrics::of(BuiltinFont::HelveticaBold));

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Face {
    Regular,
    Bold,
}

impl Face {
    fn metrics(self) -> &'static Metrics {
        match self {
            Face::Regular => &REGULAR,
            Face::Bold => &BOLD,
        }
    }

    fn builtin(self) -> BuiltinFont {
        match self {
            Face::Regular => BuiltinFont::Helvetica,
            Face::Bold => BuiltinFont::HelveticaBold,
        }
    }
}

/// Text as it may be drawn: tabs become spaces, other control characters go.
fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c == '\t' {
                Some(' ')
            } else if c.is_control() {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

/// `text` wrapped into lines no wider than `width`, keeping its line breaks (as CSS
/// `pre-line`: runs of spaces collapse); a word wider than a line is broken by character.
fn wrap(text: &str, face: Face, size: f32, width: f32) -> Vec<String> {
    let metrics = face.metrics();
    let space = metrics.width(" ", size);
    let mut lines = Vec::new();
    for hard in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0;
        for word in clean(hard).split_whitespace() {
            let word_w = metrics.width(word, size);
            if !line.is_empty() && line_w + space + word_w <= width {
                line.push(' ');
                line.push_str(word);
                line_w += space + word_w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line_w = 0.0;
            if word_w <= width {
                line.push_str(word);
                line_w = word_w;
                continue;
            }
            for c in word.chars() {
                let c_w = metrics.advance(c) * size;
                if !line.is_empty() && line_w + c_w > width {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                line.push(c);
                line_w += c_w;
            }
        }
        lines.push(line);
    }
    lines
}

/// Lays text out top to bottom, page by page.
pub(super) struct Writer {
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// The top of the next line.
    pub(super) y: f32,
    /// The top of the appeal box on this page, while inside it.
    box_top: Option<f32>,
}

impl Writer {
    pub(super) fn new() -> Self {
        Self { pages: Vec::new(), ops: Vec::new(), y: PAGE_H - MARGIN, box_top: None }
    }

    fn left(&self) -> f32 {
        if self.box_top.is_some() { MARGIN + BOX_PAD } else { MARGIN }
    }

    fn width(&self) -> f32 {
        if self.box_top.is_some() { TEXT_W - 2.0 * BOX_PAD } else { TEXT_W }
    }

    fn new_page(&mut self) {
        let in_box = self.box_top.is_some();
        if in_box {
            self.close_box();
        }
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = PAGE_H - MARGIN;
        if in_box {
            self.open_box();
        }
    }

    /// Room for `height` more on this page, or a new one.
    pub(super) fn ensure(&mut self, height: f32) {
        let floor = if self.box_top.is_some() { BOTTOM + BOX_PAD } else { BOTTOM };
        if self.y - height < floor && self.y < PAGE_H - MARGIN - 1.0 {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, face: Face, size: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        let baseline = self.y - size;
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont { font: PdfFontHandle::Builtin(face.builtin()), size: Pt(size) },
            Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(baseline) } },
            Op::ShowText { items: vec![TextItem::Text(text.to_string())] },
            Op::EndTextSection,
        ]);
    }

    pub(super) fn paragraph(&mut self, face: Face, size: f32, text: &str) {
        let height = size * LEADING;
        for line in wrap(text, face, size, self.width()) {
            self.ensure(height);
            let x = self.left();
            self.text(x, face, size, &line);
            self.y -= height;
        }
        self.y -= size * 0.5;
    }

    /// A heading, kept on the same page as at least one line after it.
    pub(super) fn heading(&mut self, size: f32, text: &str) {
        let lines = wrap(text, Face::Bold, size, self.width());
        let needed = lines.len().min(3) as f32 * size * LEADING + BODY * LEADING + size * 0.6;
        self.ensure(needed);
        self.y -= size * 0.6;
        for line in lines {
            self.ensure(size * LEADING);
            let x = self.left();
            self.text(x, Face::Bold, size, &line);
            self.y -= size * LEADING;
        }
        self.y -= size * 0.2;
    }

    /// Two columns, line by line: the letter's head and its list of what was decided.
    pub(super) fn columns(&mut self, left: (f32, f32, Vec<(Face, String)>), right: (f32, f32, Vec<(Face, String)>)) {
        let lay = |(x, width, parts): (f32, f32, Vec<(Face, String)>)| -> Vec<(f32, Face, String)> {
            parts
                .into_iter()
                .flat_map(|(face, text)| {
                    wrap(&text, face, BODY, width).into_iter().map(move |line| (x, face, line)).collect::<Vec<_>>()
                })
                .collect()
        };
        let left = lay(left);
        let right = lay(right);
        let height = BODY * LEADING;
        for row in 0..left.len().max(right.len()) {
            self.ensure(height);
            for (x, face, line) in [left.get(row), right.get(row)].into_iter().flatten() {
                self.text(*x, *face, BODY, line);
            }
            self.y -= height;
        }
    }

    pub(super) fn open_box(&mut self) {
        self.box_top = Some(self.y);
        self.y -= BOX_PAD;
    }

    pub(super) fn close_box(&mut self) {
        let Some(top) = self.box_top.take() else { return };
        let bottom = self.y - BOX_PAD;
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetOutlineThickness { pt: Pt(1.5) },
            Op::DrawRectangle {
                rectangle: Rect {
                    mode: Some(PaintMode::Stroke),
                    ..Rect::from_xywh(Pt(MARGIN), Pt(bottom), Pt(TEXT_W), Pt(top - bottom))
                },
            },
            Op::RestoreGraphicsState,
        ]);
        self.y = bottom - BODY;
    }

    /// The pages, each numbered "n / total" at the foot.
    fn finish(mut self) -> Vec<Vec<Op>> {
        self.close_box();
        self.pages.push(std::mem::take(&mut self.ops));
        let total = self.pages.len();
        for (index, ops) in self.pages.iter_mut().enumerate() {
            let number = format!("{} / {total}", index + 1);
            let x = PAGE_W - MARGIN - REGULAR.width(&number, 9.0);
            ops.extend([
                Op::StartTextSection,
                Op::SetFont { font: PdfFontHandle::Builtin(BuiltinFont::Helvetica), size: Pt(9.0) },
                Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(MARGIN - 9.0) } },
                Op::ShowText { items: vec![TextItem::Text(number)] },
                Op::EndTextSection,
            ]);
        }
        self.pages
    }
}

/// The letter as PDF bytes.
pub(super) fn render(letter: &LetterPage) -> Vec<u8> {
    let tr = &letter.tr;
    let mut w = Writer::new();

    // Head: to whom (left) and from whom (right).
    let gap = 18.0;
    let left_w = TEXT_W * 0.55;
    let mut to = vec![(Face::Bold, tr.t("letter-to")), (Face::Regular, letter.addressee.clone())];
    if !letter.address.is_empty() {
        to.push((Face::Regular, letter.address.clone()));
    }
    let from = vec![
        (Face::Bold, tr.t("letter-from")),
        (Face::Regular, letter.organization.clone()),
        (Face::Regular, format!("{}: {}", tr.t("letter-date"), letter.date)),
    ];
    w.columns((MARGIN, left_w, to), (MARGIN + left_w + gap, TEXT_W - left_w - gap, from));
    w.y -= BODY * 1.5;

    w.heading(H1, &letter.title);
    w.paragraph(Face::Regular, BODY, &letter.outcome);

    // What was decided, as label and value.
    w.heading(H2, &tr.t("letter-what-heading"));
    let mut rows = vec![(tr.t("letter-service"), letter.service.clone())];
    if !letter.extent.is_empty() {
        rows.push((tr.t("letter-extent"), letter.extent.clone()));
    }
    rows.push((tr.t("letter-period"), letter.period.clone()));
    if let Some(review) = &letter.review {
        rows.push((tr.t("letter-review"), review.clone()));
    }
    let basis = if letter.legal_basis_title.is_empty() {
        letter.legal_basis.clone()
    } else {
        format!("{} – {}", letter.legal_basis, letter.legal_basis_title)
    };
    rows.push((tr.t("letter-legal-basis"), basis));
    let label_w = rows.iter().map(|(label, _)| BOLD.width(label, BODY)).fold(0.0, f32::max).min(TEXT_W * 0.4);
    let value_x = MARGIN + label_w + gap;
    for (label, value) in rows {
        w.columns(
            (MARGIN, label_w, vec![(Face::Bold, label)]),
            (value_x, MARGIN + TEXT_W - value_x, vec![(Face::Regular, value)]),
        );
        w.y -= BODY * 0.25;
    }

    if let Some(limit) = &letter.coercion_limit {
        w.heading(H2, &tr.t("letter-coercion-heading"));
        w.paragraph(Face::Regular, BODY, limit);
    }

    w.heading(H2, &tr.t("letter-grounds-heading"));
    w.paragraph(Face::Regular, BODY, &letter.grounds);

    // How to appeal, in a box as in the HTML letter; the heading starts it on a page with room.
    w.ensure(H2 * LEADING + 3.0 * BODY * LEADING + 2.0 * BOX_PAD);
    w.y -= BODY * 0.5;
    w.open_box();
    w.heading(H2, &tr.t("letter-appeal-heading"));
    w.paragraph(Face::Regular, BODY, &tr.t("letter-appeal-intro"));
    let deadline = match &letter.appeal_due {
        Some(due) => format!("{} {due}", letter.appeal_deadline),
        None => letter.appeal_deadline.clone(),
    };
    w.paragraph(Face::Regular, BODY, &deadline);
    w.paragraph(Face::Regular, BODY, &format!("{} {}", letter.appeal_to, tr.t("letter-appeal-what")));
    w.paragraph(Face::Regular, BODY, &tr.t("letter-appeal-onward"));
    w.paragraph(Face::Regular, BODY, &tr.t("letter-documents"));
    if let Some(received) = &letter.appeal_received {
        w.paragraph(Face::Regular, BODY, received);
    }
    if let Some(forwarded) = &letter.appeal_forwarded {
        w.paragraph(Face::Regular, BODY, forwarded);
    }
    w.y += BODY * 0.5;
    w.close_box();

    w.paragraph(Face::Regular, BODY, &tr.t("letter-questions"));
    w.paragraph(Face::Regular, BODY, &format!("{}\n{}", tr.t("letter-regards"), letter.organization));

    document(&letter.title, w)
}

/// The laid-out pages as a PDF titled `title`.
pub(super) fn document(title: &str, w: Writer) -> Vec<u8> {
    let mut doc = PdfDocument::new(&clean(title));
    doc.metadata.info.creator = "Los".to_string();
    doc.metadata.info.producer = "Los".to_string();
    doc.pages =
        w.finish().into_iter().map(|ops| PdfPage::new(Mm::from(Pt(PAGE_W)), Mm::from(Pt(PAGE_H)), ops)).collect();
    doc.save(&PdfSaveOptions::default(), &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_wrapped_within_the_width_and_keep_their_breaks() {
        let text =
            "Søknaden gjelder hjelp i hjemmet.\nDu bor alene og trenger hjelp til å stelle deg hver morgen og kveld.";
        let lines = wrap(text, Face::Regular, BODY, 150.0);
        assert!(lines.len() > 3, "{lines:?}");
        assert_eq!(lines[0], "Søknaden gjelder hjelp i");
        assert!(lines.iter().all(|line| REGULAR.width(line, BODY) <= 150.0), "{lines:?}");
        assert_eq!(lines.join(" ").split_whitespace().collect::<Vec<_>>(), text.split_whitespace().collect::<Vec<_>>());
    }

    #[test]
    fn a_word_wider_than_the_line_is_broken_and_odd_input_does_not_panic() {
        let long = "ø".repeat(500);
        let lines = wrap(&long, Face::Bold, BODY, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), long);
        for odd in ["", "\n\n", "\t\u{0}\u{7}", "😀 漢字 \u{202e}", " ", "a\r\nb"] {
            let _ = wrap(odd, Face::Regular, BODY, 0.0);
            let _ = wrap(odd, Face::Regular, BODY, 100.0);
        }
    }
}
