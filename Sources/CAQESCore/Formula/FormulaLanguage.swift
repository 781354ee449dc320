/// The formula language of catalogues (ARCHITECTURE §4), for catalogue authors and reviewers.
///
/// Values
/// - numbers `20000`, `0.6` (a decimal point: `0,6` is refused with a hint), percentages `30%` = 0.30;
/// - booleans `true`, `false`; grades `'A'`…`'D'`, ordinal with A best (D11): `'B' >= 'C'` is true,
///   so `grade >= target` reads "at least as good as the target";
/// - measures with their year: `ipp_amount[N]`, `ipp_amount[N-1]`, `rate[REF]`, `rate[REF+1]`
///   (`N` is the evaluated year, `REF` the catalogue's reference year);
/// - bare names: declared parameters (`cap`, `threshold_boxes`) and named sub-formulas (`ratio`);
///   a named formula also takes a year, `ratio[N-1]`, which evaluates it with `N` moved there.
///
/// Operators, loosest first: `or`, `and`, `not`, comparisons `= != < <= > >=` (not chained),
/// `+ -`, `* /`, unary `-`; parentheses. `≥ ≤ ≠ × − ÷` are accepted for their ASCII forms.
/// Arithmetic takes numbers, `and`/`or`/`not` booleans, ordering numbers or grades; mixing types
/// is refused when the catalogue loads.
///
/// Functions
/// - `max(a, …)`, `min(a, …)`, `sum_of(a, …)`, `abs(x)`, `round(x, n)` (half away from zero),
///   `if(condition, then, else)` (branches of one type), `safe_div(a, b, fallback)`,
///   `is_known(x)` (true when every measure `x` reads exists);
/// - population statistics over the indicator's population, for every member that has a value
///   (D6, Excel QUARTILE.INC / R type 7): `q1(m)`, `q2(m)`, `median(m)`, `q3(m)`,
///   `percentile(m, p)` with `p` in 0…1 (or `90%`), and `pooled_ratio(num, den)` = Σnum / Σden;
///   each accepts `by: category` to keep the establishment's own category. `m`, `num`, `den` are
///   any number expressions, evaluated for each member.
///
/// Evaluation rules
/// - Decimal arithmetic; quotients keep 18–19 significant digits (see `FastDecimal`); `round`
///   settles a value within 10⁻⁴ of a unit of a tie on 38 digits, so an exact half rounds away
///   from zero (see `DecimalRounding`).
/// - A missing measure is never zero: the evaluation fails listing every missing (measure, year);
///   `if` and `safe_div` only need the branch they take; `is_known` lets a formula decide.
/// - Dividing by zero fails naming the establishment, except in `safe_div`.
/// - A member whose value cannot be computed (missing input, zero divisor) is left out of a
///   population statistic; a statistic with no member at all fails.
public enum FormulaLanguage {}
