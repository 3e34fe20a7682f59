//! Small-cell suppression (design item 13, security rules): whatever an analyst or a
//! region-level page publishes hides every count from 1 to 4 (primary suppression), and then
//! hides enough other counts that no hidden count can be worked out from its row, its column or
//! the totals (secondary suppression). One implementation, used by pages, the API and CSV.
//!
//! A table of `rows × columns` counts is seen with its totals as a grid of `(rows + 1) ×
//! (columns + 1)` entries: the last column holds the row totals, the last row the column totals,
//! the corner the grand total. Every line of that grid (each row, each column) is one sum that a
//! reader knows holds. Hidden entries are the unknowns of those sums. Seen as a graph with a node
//! per line and an edge per hidden entry, a hidden entry can be recomputed exactly when its edge
//! lies on no cycle (every cycle gives a way to move values around it that keeps every sum, so
//! an entry on a cycle is not pinned down; an entry on no cycle is). Secondary suppression
//! therefore hides entries until every hidden entry lies on a cycle: first any line with exactly
//! one hidden entry hides its smallest other non-zero entry, then any remaining hidden entry on no
//! cycle (a bridge) is closed into a rectangle with the cheapest three other entries.
//!
//! Zeros are shown: a zero is not a small count of persons. Totals are counts like any other and
//! are hidden by the same rules.

/// Counts below this (and above zero) are never published.
pub const SMALL_CELL_MIN: u64 = 5;

/// One published entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Shown(u64),
    Suppressed,
}

impl Cell {
    pub fn value(self) -> Option<u64> {
        match self {
            Cell::Shown(value) => Some(value),
            Cell::Suppressed => None,
        }
    }

    pub fn is_suppressed(self) -> bool {
        self == Cell::Suppressed
    }

    /// How the entry is written in a table or a CSV file: the number, or `.` for a hidden count
    /// (the sign the Nordic statistics offices use for "cannot be published").
    pub fn text(self) -> String {
        match self {
            Cell::Shown(value) => value.to_string(),
            Cell::Suppressed => SUPPRESSED_MARK.to_string(),
        }
    }
}

/// What a hidden count is written as.
pub const SUPPRESSED_MARK: &str = ".";

/// A table with its totals, as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedTable {
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    pub column_totals: Vec<Cell>,
    pub total: Cell,
}

/// A table exactly as counted, with its totals (nothing hidden): for staff of the service itself.
pub fn unsuppressed(counts: &[Vec<u64>]) -> PublishedTable {
    let grid = Grid::new(counts);
    grid.publish(&vec![vec![false; grid.width()]; grid.height()])
}

/// A table with small counts and everything that would give them away hidden.
pub fn suppress_table(counts: &[Vec<u64>]) -> PublishedTable {
    let grid = Grid::new(counts);
    let hidden = grid.suppressed();
    grid.publish(&hidden)
}

/// A single series (one count per day, unit or service) and its total, suppressed as a table of
/// one column.
pub fn suppress_series(counts: &[u64]) -> (Vec<Cell>, Cell) {
    let table = suppress_table(&counts.iter().map(|&count| vec![count]).collect::<Vec<_>>());
    let cells = table.cells.into_iter().map(|row| row.first().copied().unwrap_or(Cell::Shown(0))).collect();
    (cells, table.total)
}

/// Whether a single count may be published on its own (no total it could be subtracted from).
pub fn publish_count(count: u64) -> Cell {
    if (1..SMALL_CELL_MIN).contains(&count) { Cell::Suppressed } else { Cell::Shown(count) }
}

/// The counts with their totals as one grid: entry `(r, c)` for `r < rows, c < columns` is a
/// count, column `columns` the row totals, row `rows` the column totals.
struct Grid {
    values: Vec<Vec<u64>>,
}

impl Grid {
    fn new(counts: &[Vec<u64>]) -> Grid {
        let columns = counts.iter().map(Vec::len).max().unwrap_or(0);
        let mut values: Vec<Vec<u64>> = counts
            .iter()
            .map(|row| {
                let mut line: Vec<u64> = (0..columns).map(|c| row.get(c).copied().unwrap_or(0)).collect();
                line.push(line.iter().sum());
                line
            })
            .collect();
        let totals: Vec<u64> = (0..=columns).map(|c| values.iter().map(|row| row[c]).sum()).collect();
        values.push(totals);
        Grid { values }
    }

    fn height(&self) -> usize {
        self.values.len()
    }

    fn width(&self) -> usize {
        self.values.first().map(Vec::len).unwrap_or(0)
    }

    fn value(&self, row: usize, column: usize) -> u64 {
        self.values.get(row).and_then(|line| line.get(column)).copied().unwrap_or(0)
    }

    fn publish(&self, hidden: &[Vec<bool>]) -> PublishedTable {
        let cell = |r: usize, c: usize| {
            if hidden.get(r).and_then(|line| line.get(c)).copied().unwrap_or(false) {
                Cell::Suppressed
            } else {
                Cell::Shown(self.value(r, c))
            }
        };
        let (rows, columns) = (self.height() - 1, self.width() - 1);
        PublishedTable {
            cells: (0..rows).map(|r| (0..columns).map(|c| cell(r, c)).collect()).collect(),
            row_totals: (0..rows).map(|r| cell(r, columns)).collect(),
            column_totals: (0..columns).map(|c| cell(rows, c)).collect(),
            total: cell(rows, columns),
        }
    }

    /// Which entries to hide: primary, then secondary until every hidden entry lies on a cycle.
    fn suppressed(&self) -> Vec<Vec<bool>> {
        let (height, width) = (self.height(), self.width());
        let mut hidden: Vec<Vec<bool>> =
            self.values.iter().map(|line| line.iter().map(|&v| (1..SMALL_CELL_MIN).contains(&v)).collect()).collect();
        // Each round hides at least one more entry, so this ends within height × width rounds.
        for _ in 0..=height * width {
            if self.hide_lone_entries(&mut hidden) {
                continue;
            }
            match self.bridge(&hidden) {
                Some((row, column)) => self.close_rectangle(&mut hidden, row, column),
                None => break,
            }
        }
        hidden
    }

    /// Lines (rows, then columns) with exactly one hidden entry hide their smallest other
    /// entry, a non-zero one when there is one. Returns whether anything was hidden.
    // Positions index rows and columns of the same grid; iterators would hide the symmetry.
    #[allow(clippy::needless_range_loop)]
    fn hide_lone_entries(&self, hidden: &mut [Vec<bool>]) -> bool {
        let (height, width) = (self.height(), self.width());
        let mut changed = false;
        for r in 0..height {
            let count = (0..width).filter(|&c| hidden[r][c]).count();
            if count == 1
                && let Some(c) = cheapest((0..width).filter(|&c| !hidden[r][c]).map(|c| (c, self.value(r, c))))
            {
                hidden[r][c] = true;
                changed = true;
            }
        }
        for c in 0..width {
            let count = (0..height).filter(|&r| hidden[r][c]).count();
            if count == 1
                && let Some(r) = cheapest((0..height).filter(|&r| !hidden[r][c]).map(|r| (r, self.value(r, c))))
            {
                hidden[r][c] = true;
                changed = true;
            }
        }
        changed
    }

    /// A hidden entry on no cycle of hidden entries, if any: without it its row and its column
    /// fall apart into separate groups of lines.
    fn bridge(&self, hidden: &[Vec<bool>]) -> Option<(usize, usize)> {
        let (height, width) = (self.height(), self.width());
        for r in 0..height {
            for c in 0..width {
                if hidden[r][c] && !self.connected_without(hidden, r, c) {
                    return Some((r, c));
                }
            }
        }
        None
    }

    /// Whether row `row` and column `column` are joined by hidden entries other than `(row, column)`.
    fn connected_without(&self, hidden: &[Vec<bool>], row: usize, column: usize) -> bool {
        let (height, width) = (self.height(), self.width());
        // Nodes: rows 0..height, then columns height..height + width.
        let mut seen = vec![false; height + width];
        let mut stack = vec![row];
        seen[row] = true;
        while let Some(node) = stack.pop() {
            let neighbours: Vec<usize> = if node < height {
                (0..width).filter(|&c| hidden[node][c] && (node, c) != (row, column)).map(|c| height + c).collect()
            } else {
                let c = node - height;
                (0..height).filter(|&r| hidden[r][c] && (r, c) != (row, column)).collect()
            };
            for next in neighbours {
                if !seen[next] {
                    seen[next] = true;
                    stack.push(next);
                }
            }
        }
        seen[height + column]
    }

    /// Puts `(row, column)` on a cycle by hiding the other three corners of the rectangle with
    /// the smallest sum of newly hidden counts.
    fn close_rectangle(&self, hidden: &mut [Vec<bool>], row: usize, column: usize) {
        let (height, width) = (self.height(), self.width());
        let mut best: Option<(u64, usize, usize)> = None;
        for r in (0..height).filter(|&r| r != row) {
            for c in (0..width).filter(|&c| c != column) {
                let cost: u64 = [(row, c), (r, column), (r, c)]
                    .iter()
                    .filter(|&&(rr, cc)| !hidden[rr][cc])
                    .map(|&(rr, cc)| self.value(rr, cc).max(1))
                    .sum();
                if best.is_none_or(|(lowest, _, _)| cost < lowest) {
                    best = Some((cost, r, c));
                }
            }
        }
        if let Some((_, r, c)) = best {
            hidden[row][c] = true;
            hidden[r][column] = true;
            hidden[r][c] = true;
        }
    }
}

/// The position of the smallest non-zero value, else of a zero.
fn cheapest(candidates: impl Iterator<Item = (usize, u64)>) -> Option<usize> {
    candidates.min_by_key(|&(position, value)| (value == 0, value, position)).map(|(position, _)| position)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The published grid with totals, as a reader sees it: `None` for a hidden entry.
    fn seen(table: &PublishedTable) -> Vec<Vec<Option<u64>>> {
        let mut grid: Vec<Vec<Option<u64>>> = table
            .cells
            .iter()
            .zip(&table.row_totals)
            .map(|(row, total)| row.iter().chain(std::iter::once(total)).map(|c| c.value()).collect())
            .collect();
        grid.push(table.column_totals.iter().chain(std::iter::once(&table.total)).map(|c| c.value()).collect());
        grid
    }

    /// Gaussian elimination over the rationals (as f64 on small integer matrices): the rank.
    #[allow(clippy::needless_range_loop)]
    fn rank(mut matrix: Vec<Vec<f64>>) -> usize {
        let columns = matrix.first().map(Vec::len).unwrap_or(0);
        let mut rank = 0;
        for column in 0..columns {
            let Some(pivot) = (rank..matrix.len()).find(|&r| matrix[r][column].abs() > 1e-9) else { continue };
            matrix.swap(rank, pivot);
            let lead = matrix[rank][column];
            for r in 0..matrix.len() {
                if r != rank {
                    let factor = matrix[r][column] / lead;
                    for c in 0..columns {
                        matrix[r][c] -= factor * matrix[rank][c];
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    /// The hidden entries a reader can recompute from the published sums, found independently of
    /// the graph argument in the module: entry `k` is pinned down exactly when the unit vector of
    /// `k` lies in the row space of the line sums restricted to the hidden entries.
    fn recomputable(grid: &[Vec<Option<u64>>]) -> Vec<(usize, usize)> {
        let height = grid.len();
        let width = grid.first().map(Vec::len).unwrap_or(0);
        let unknowns: Vec<(usize, usize)> =
            (0..height).flat_map(|r| (0..width).map(move |c| (r, c))).filter(|&(r, c)| grid[r][c].is_none()).collect();
        // Each line: the entries before the last sum to the last.
        let mut lines = Vec::new();
        for r in 0..height {
            lines.push(
                unknowns
                    .iter()
                    .map(|&(ur, uc)| {
                        if ur != r {
                            0.0
                        } else if uc + 1 == width {
                            -1.0
                        } else {
                            1.0
                        }
                    })
                    .collect::<Vec<f64>>(),
            );
        }
        for c in 0..width {
            lines.push(
                unknowns
                    .iter()
                    .map(|&(ur, uc)| {
                        if uc != c {
                            0.0
                        } else if ur + 1 == height {
                            -1.0
                        } else {
                            1.0
                        }
                    })
                    .collect::<Vec<f64>>(),
            );
        }
        let base = rank(lines.clone());
        unknowns
            .iter()
            .enumerate()
            .filter(|&(k, _)| {
                let mut with = lines.clone();
                with.push((0..unknowns.len()).map(|j| if j == k { 1.0 } else { 0.0 }).collect());
                rank(with) == base
            })
            .map(|(_, &position)| position)
            .collect()
    }

    fn all_values(counts: &[Vec<u64>]) -> Vec<Vec<u64>> {
        let grid = Grid::new(counts);
        grid.values
    }

    #[test]
    fn a_small_count_hides_a_partner_in_its_row_and_column() {
        let counts = vec![vec![20, 3, 15], vec![12, 30, 9], vec![8, 11, 40]];
        let table = suppress_table(&counts);
        assert_eq!(table.cells[0][1], Cell::Suppressed);
        // The row (20, 3, 15 | 38) must lose one more: the smallest other non-zero count, 15.
        assert_eq!(table.cells[0][2], Cell::Suppressed);
        // The column (3, 30, 11 | 44) loses 11; the third column (15, 9, 40) then loses 9 …
        assert_eq!(table.cells[2][1], Cell::Suppressed);
        assert_eq!(table.cells[1][2], Cell::Suppressed);
        assert!(recomputable(&seen(&table)).is_empty());
        assert_eq!(table.total, Cell::Shown(148));
        assert_eq!(table.row_totals[0], Cell::Shown(38));
    }

    #[test]
    fn a_small_total_is_hidden_too() {
        let table = suppress_table(&[vec![2, 1], vec![0, 0]]);
        assert_eq!(table.total, Cell::Suppressed);
        assert_eq!(table.row_totals, vec![Cell::Suppressed, Cell::Shown(0)]);
        assert_eq!(table.cells[1], vec![Cell::Shown(0), Cell::Shown(0)]);
        assert!(recomputable(&seen(&table)).is_empty());
    }

    #[test]
    fn zeros_and_large_counts_are_shown_as_they_are() {
        let table = suppress_table(&[vec![0, 5], vec![7, 0]]);
        assert_eq!(table.cells, vec![vec![Cell::Shown(0), Cell::Shown(5)], vec![Cell::Shown(7), Cell::Shown(0)]]);
        assert_eq!(table.total, Cell::Shown(12));
        assert_eq!(unsuppressed(&[vec![1, 2]]).total, Cell::Shown(3));
    }

    #[test]
    fn a_series_hides_a_second_day_and_keeps_its_total_when_it_can() {
        let (cells, total) = suppress_series(&[10, 2, 7, 30]);
        assert_eq!(cells, vec![Cell::Shown(10), Cell::Suppressed, Cell::Suppressed, Cell::Shown(30)]);
        assert_eq!(total, Cell::Shown(49));
        let (cells, total) = suppress_series(&[3]);
        assert_eq!((cells, total), (vec![Cell::Suppressed], Cell::Suppressed));
        assert_eq!(Cell::Suppressed.text(), ".");
        assert_eq!(publish_count(4), Cell::Suppressed);
        assert_eq!(publish_count(0), Cell::Shown(0));
    }

    #[test]
    fn a_hidden_entry_joined_to_the_rest_by_one_edge_is_closed_into_a_rectangle() {
        // Two blocks of small counts meet at one small count: without the rectangle rule every
        // line would have two hidden entries and the joining one would still be recomputable.
        let counts =
            vec![vec![1, 1, 3, 50, 50], vec![1, 1, 50, 50, 50], vec![50, 50, 1, 1, 50], vec![50, 50, 1, 1, 50]];
        let mut lone_only = Grid::new(&counts)
            .values
            .iter()
            .map(|l| l.iter().map(|&v| (1..SMALL_CELL_MIN).contains(&v)).collect::<Vec<_>>())
            .collect::<Vec<_>>();
        let grid = Grid::new(&counts);
        assert!(!grid.hide_lone_entries(&mut lone_only), "every line already has two hidden entries");
        assert_eq!(grid.bridge(&lone_only), Some((0, 2)), "the 3 joins the two blocks and could be recomputed");
        let table = suppress_table(&counts);
        assert!(recomputable(&seen(&table)).is_empty(), "{table:?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Whatever the table, every count from 1 to 4 is hidden, nothing shown differs from the
        /// count, and no hidden entry can be recomputed from the rows, columns and totals.
        #[test]
        fn no_hidden_count_can_be_recomputed(
            counts in (1usize..6, 1usize..6).prop_flat_map(|(rows, columns)| {
                proptest::collection::vec(
                    proptest::collection::vec(prop_oneof![3 => 0u64..5, 2 => 5u64..40], columns),
                    rows,
                )
            })
        ) {
            let table = suppress_table(&counts);
            let grid = seen(&table);
            let values = all_values(&counts);
            for (r, line) in grid.iter().enumerate() {
                for (c, entry) in line.iter().enumerate() {
                    let value = values[r][c];
                    if let Some(shown) = entry {
                        prop_assert_eq!(*shown, value);
                        prop_assert!(value == 0 || value >= SMALL_CELL_MIN);
                    }
                }
            }
            prop_assert!(recomputable(&grid).is_empty(), "recomputable in {:?} from {:?}", grid, counts);
        }
    }
}
