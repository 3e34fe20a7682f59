//! A dashboard chart's data as CSV and as a server-rendered SVG bar chart. Both read the same
//! [`Chart`], whose counts are already published (suppressed where they must be), so a download
//! can never show more than the page.

use los_app::dashboards::Chart;
use los_core::suppression::{Cell, SUPPRESSED_MARK};

/// The chart's table as CSV: a header of codes, one line per row, and the totals line when the
/// chart has totals. Hidden counts are written as `.`.
pub fn csv(chart: &Chart) -> Result<String, los_core::Error> {
    let with_row_totals = chart.rows.iter().any(|row| row.total.is_some());
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec![chart.row_kind.to_string()];
    header.extend(chart.columns.iter().cloned());
    if with_row_totals {
        header.push("total".into());
    }
    writer.write_record(&header).map_err(|_| los_core::Error::Internal)?;
    for row in &chart.rows {
        let mut line = vec![row.label.clone()];
        line.extend(row.cells.iter().map(|cell| cell.text()));
        if with_row_totals {
            line.push(row.total.map(Cell::text).unwrap_or_default());
        }
        writer.write_record(&line).map_err(|_| los_core::Error::Internal)?;
    }
    if let Some(totals) = &chart.column_totals {
        let mut line = vec!["total".to_string()];
        line.extend(totals.iter().map(|cell| cell.text()));
        if with_row_totals {
            line.push(chart.total.map(Cell::text).unwrap_or_default());
        }
        writer.write_record(&line).map_err(|_| los_core::Error::Internal)?;
    }
    let bytes = writer.into_inner().map_err(|_| los_core::Error::Internal)?;
    String::from_utf8(bytes).map_err(|_| los_core::Error::Internal)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Colours with enough contrast against white and against each other (Designsystemet's accent,
/// success and warning families).
const PALETTE: [&str; 6] = ["#0062ba", "#068718", "#b34b00", "#7a3aa8", "#00727a", "#a8005a"];

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 32.0;
const TOP: f64 = 12.0;

/// A grouped bar chart: one group per row, one bar per column. `title` and `description` are
/// the accessible name and the text alternative; `series` names the columns in the legend.
/// Hidden counts draw no bar and are marked with `.` over the axis.
pub fn svg(chart: &Chart, id: &str, title: &str, description: &str, series: &[String]) -> String {
    let max = chart.rows.iter().flat_map(|row| row.cells.iter().filter_map(|cell| cell.value())).max().unwrap_or(0);
    let scale_top = nice_top(max);
    let plot_height = HEIGHT - BOTTOM - TOP;
    let plot_width = WIDTH - LEFT - 8.0;
    let groups = chart.rows.len().max(1) as f64;
    let group_width = plot_width / groups;
    let columns = chart.columns.len().max(1) as f64;
    let bar_width = (group_width * 0.8 / columns).max(1.0);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(description)
    );
    // Axis with the top value and zero.
    let base = HEIGHT - BOTTOM;
    out.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#68707c\"/>\
         <text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">{scale_top}</text>\
         <text x=\"{}\" y=\"{base}\" font-size=\"10\" text-anchor=\"end\">0</text>",
        WIDTH - 8.0,
        LEFT - 4.0,
        TOP + 8.0,
        LEFT - 4.0
    ));
    let label_every = (chart.rows.len() / 12).max(1);
    for (g, row) in chart.rows.iter().enumerate() {
        let group_x = LEFT + g as f64 * group_width + group_width * 0.1;
        for (c, cell) in row.cells.iter().enumerate() {
            let x = group_x + c as f64 * bar_width;
            let colour = PALETTE[c % PALETTE.len()];
            match cell {
                Cell::Shown(value) => {
                    let h = if scale_top == 0 { 0.0 } else { *value as f64 / scale_top as f64 * plot_height };
                    out.push_str(&format!(
                        "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{colour}\"/>",
                        base - h,
                        (bar_width - 1.0).max(0.5)
                    ));
                }
                Cell::Suppressed => out.push_str(&format!(
                    "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\">{SUPPRESSED_MARK}</text>",
                    base - 2.0
                )),
            }
        }
        if g % label_every == 0 {
            out.push_str(&format!(
                "<text x=\"{group_x:.1}\" y=\"{:.1}\" font-size=\"9\">{}</text>",
                base + 12.0,
                escape(&row.label)
            ));
        }
    }
    for (c, name) in series.iter().enumerate() {
        let x = LEFT + c as f64 * 150.0;
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"10\">{}</text>",
            HEIGHT - 12.0,
            PALETTE[c % PALETTE.len()],
            x + 14.0,
            HEIGHT - 3.0,
            escape(name)
        ));
    }
    out.push_str("</svg>");
    out
}

/// The smallest of 1, 2, 5 × 10ⁿ at or above `max`.
fn nice_top(max: u64) -> u64 {
    if max == 0 {
        return 0;
    }
    let mut step = 1_u64;
    loop {
        for factor in [1, 2, 5] {
            if step.saturating_mul(factor) >= max {
                return step.saturating_mul(factor);
            }
        }
        step = step.saturating_mul(10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use los_app::dashboards::ChartRow;

    fn chart() -> Chart {
        Chart {
            key: "nights-by-month",
            row_kind: "month",
            columns: vec!["night_shelter".into(), "municipal_flat".into()],
            rows: vec![
                ChartRow {
                    label: "2024-02".into(),
                    cells: vec![Cell::Shown(30), Cell::Suppressed],
                    total: Some(Cell::Suppressed),
                },
                ChartRow {
                    label: "2024-03".into(),
                    cells: vec![Cell::Shown(12), Cell::Shown(9)],
                    total: Some(Cell::Shown(21)),
                },
            ],
            column_totals: Some(vec![Cell::Shown(42), Cell::Suppressed]),
            total: Some(Cell::Shown(51)),
        }
    }

    #[test]
    fn the_csv_has_codes_rows_and_totals_with_hidden_counts_as_dots() {
        assert_eq!(
            csv(&chart()).unwrap(),
            "month,night_shelter,municipal_flat,total\n2024-02,30,.,.\n2024-03,12,9,21\ntotal,42,.,51\n"
        );
    }

    #[test]
    fn the_svg_names_itself_and_draws_no_bar_for_a_hidden_count() {
        let svg = svg(&chart(), "c1", "Nights <by> month", "Text alternative", &["A".into(), "B".into()]);
        assert!(svg.contains("role=\"img\"") && svg.contains("<title id=\"c1-title\">Nights &lt;by&gt; month</title>"));
        assert_eq!(svg.matches("<rect").count(), 3 + 2, "three shown counts and two legend keys");
        assert_eq!(nice_top(41), 50);
        assert_eq!(nice_top(101), 200);
    }
}
