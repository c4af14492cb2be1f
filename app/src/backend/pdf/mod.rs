//! PDF copies (the questionnaire blank, in progress or submitted; the fact sheet): a small layout
//! of headings, wrapped paragraphs and bars on A4 pages, written with krilla as PDF/A-2b with
//! Liberation Sans embedded as a subset, so the text can be selected and searched.

mod copy;
mod facts;

pub use copy::{response_copy, Copy, CopyKind};
pub use facts::fact_sheet;

use anyhow::Context;
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/LiberationSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/LiberationSans-Bold.ttf");

/// A4 in points, and the margin on every side.
const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;

/// What a page holds, placed: text runs and filled rectangles (grey level 0–255).
enum Mark {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        grey: u8,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: u8,
    },
}

/// Text as a line of a paragraph: its size, weight, grey level and indent.
#[derive(Clone, Copy)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub grey: u8,
    pub indent: f32,
}

impl Style {
    const fn new(size: f32, bold: bool, grey: u8, indent: f32) -> Style {
        Style {
            size,
            bold,
            grey,
            indent,
        }
    }

    pub const BODY: Style = Style::new(10.0, false, 0, 0.0);
    pub const LABEL: Style = Style::new(10.5, true, 0, 0.0);
    pub const NOTE: Style = Style::new(9.0, false, 90, 12.0);
    pub const ANSWER: Style = Style::new(10.0, false, 0, 12.0);
}

/// A document being laid out, page by page.
pub struct Layout {
    pages: Vec<Vec<Mark>>,
    /// Where the next line starts, from the top of the page.
    y: f32,
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl Layout {
    pub fn new() -> anyhow::Result<Layout> {
        Ok(Layout {
            pages: vec![Vec::new()],
            y: MARGIN,
            regular: FontRef::new(REGULAR).context("read the regular font")?,
            bold: FontRef::new(BOLD).context("read the bold font")?,
        })
    }

    fn font(&self, bold: bool) -> &FontRef<'static> {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// The width of `text` at `size`.
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = self.font(bold);
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        let charmap = font.charmap();
        text.chars()
            .filter_map(|c| charmap.map(c))
            .filter_map(|g| metrics.advance_width(g))
            .sum()
    }

    /// `text` with what the font cannot draw replaced (PDF/A allows no missing glyphs).
    fn drawable(&self, text: &str, bold: bool) -> String {
        let charmap = self.font(bold).charmap();
        text.chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => ' ',
                c if charmap.map(c).is_some() => c,
                _ => '?',
            })
            .collect()
    }

    /// Starts a new page when `height` more does not fit on this one.
    fn room(&mut self, height: f32) {
        if self.y + height > HEIGHT - MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    fn place(&mut self, mark: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(mark);
        }
    }

    /// A paragraph, wrapped to the page's width.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        let text = self.drawable(text, style.bold);
        let line_height = style.size * 1.35;
        let room = WIDTH - 2.0 * MARGIN - style.indent;
        for line in self.wrap(&text, style.size, style.bold, room) {
            self.room(line_height);
            self.y += style.size;
            self.place(Mark::Text {
                x: MARGIN + style.indent,
                y: self.y,
                size: style.size,
                bold: style.bold,
                grey: style.grey,
                text: line,
            });
            self.y += line_height - style.size;
        }
    }

    /// The lines of `text` within `room` points (a word longer than a line gets one of its own).
    fn wrap(&self, text: &str, size: f32, bold: bool, room: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size, bold) > room && !line.is_empty() {
                lines.push(std::mem::replace(&mut line, word.to_owned()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// A heading: space above, bold, kept with at least two lines after it.
    pub fn heading(&mut self, text: &str, size: f32) {
        self.room(size * 4.0);
        if self.y > MARGIN {
            self.y += size * 0.8;
        }
        self.paragraph(text, Style::new(size, true, 0, 0.0));
        self.y += size * 0.3;
    }

    pub fn gap(&mut self, points: f32) {
        self.y += points;
    }

    /// A labelled bar: `share` (0–1) of the width, with `text` after it.
    pub fn bar(&mut self, label: &str, share: Option<f64>, text: &str, grey: u8) {
        let (size, height) = (9.0, 11.0);
        self.room(height + 4.0);
        let label_width = 150.0;
        let full = WIDTH - 2.0 * MARGIN - label_width - 110.0;
        let top = self.y;
        let label = self.drawable(label, false);
        self.place(Mark::Text {
            x: MARGIN + 12.0,
            y: top + size,
            size,
            bold: false,
            grey: 0,
            text: label,
        });
        let w = share.map_or(0.0, |s| (s.clamp(0.0, 1.0) as f32) * full);
        if w > 0.0 {
            self.place(Mark::Rect {
                x: MARGIN + label_width,
                y: top,
                w,
                h: height - 2.0,
                grey,
            });
        }
        let text = self.drawable(text, false);
        self.place(Mark::Text {
            x: MARGIN + label_width + w + 6.0,
            y: top + size,
            size,
            bold: false,
            grey: 0,
            text,
        });
        self.y += height + 3.0;
    }

    /// The PDF: PDF/A-2b with `title` and `lang` in its metadata and a page number on each page.
    pub fn finish(self, title: &str, lang: &str) -> anyhow::Result<Vec<u8>> {
        let configuration = ConfigurationBuilder::new()
            .with_archival_validator(Archival::A2_B)
            .finish()
            .map_err(|e| anyhow::anyhow!("PDF configuration: {e:?}"))?;
        let settings = SerializeSettings {
            configuration,
            ..SerializeSettings::default()
        };
        let mut document = Document::new_with(settings);
        let now = chrono::Utc::now();
        use chrono::{Datelike, Timelike};
        let date = DateTime::new(now.year() as u16)
            .month(now.month() as u8)
            .day(now.day() as u8)
            .hour(now.hour() as u8)
            .minute(now.minute() as u8)
            .second(now.second() as u8)
            .utc_offset_hour(0);
        document.set_metadata(
            Metadata::new()
                .title(title.to_owned())
                .language(lang.to_owned())
                .creator("MIV-mbo".to_owned())
                .creation_date(date),
        );
        let regular = Font::new(REGULAR.to_vec().into(), 0).context("embed the regular font")?;
        let bold = Font::new(BOLD.to_vec().into(), 0).context("embed the bold font")?;
        let count = self.pages.len();
        for (number, marks) in self.pages.into_iter().enumerate() {
            let size = PageSettings::from_wh(WIDTH, HEIGHT).context("page size")?;
            let mut page = document.start_page_with(size);
            let mut surface = page.surface();
            for mark in marks.iter().chain(std::iter::once(&Mark::Text {
                x: WIDTH - MARGIN - 40.0,
                y: HEIGHT - MARGIN / 2.0,
                size: 8.0,
                bold: false,
                grey: 90,
                text: format!("{} / {count}", number + 1),
            })) {
                match mark {
                    Mark::Text {
                        x,
                        y,
                        size,
                        bold: b,
                        grey,
                        text,
                    } => {
                        surface.set_fill(Some(fill(*grey)));
                        let font = if *b { bold.clone() } else { regular.clone() };
                        surface.draw_text(
                            Point::from_xy(*x, *y),
                            font,
                            *size,
                            text,
                            false,
                            TextDirection::Auto,
                        );
                    }
                    Mark::Rect { x, y, w, h, grey } => {
                        let mut path = PathBuilder::new();
                        path.push_rect(
                            krilla::geom::Rect::from_xywh(*x, *y, *w, *h).context("bar")?,
                        );
                        if let Some(path) = path.finish() {
                            surface.set_fill(Some(fill(*grey)));
                            surface.draw_path(&path);
                        }
                    }
                }
            }
            surface.finish();
            page.finish();
        }
        document
            .finish()
            .map_err(|e| anyhow::anyhow!("write the PDF: {e:?}"))
    }
}

fn fill(grey: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(grey, grey, grey).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}
