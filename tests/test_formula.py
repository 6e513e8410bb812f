import pytest

from analysis.published import formula


def test_names_in_order_of_appearance():
    assert formula.names("a_1 / (b + a_1) * 100") == ["a_1", "b"]


def test_evaluate_arithmetic():
    assert formula.evaluate("a / b * 100", {"a": 1, "b": 4}) == 25.0
    assert formula.evaluate("-a + 2 - b", {"a": 1, "b": 4}) == -3.0


@pytest.mark.parametrize(
    ("expression", "values", "message"),
    [
        ("a / b", {"a": 1, "b": 0}, "divides by zero"),
        ("a + c", {"a": 1}, "unknown figure 'c'"),
        ("a ** 2", {"a": 1}, "other than"),
        ("__import__('os')", {}, "other than"),
        ("a +", {"a": 1}, "not valid arithmetic"),
    ],
)
def test_rejects_what_is_not_plain_arithmetic(expression, values, message):
    with pytest.raises(formula.FormulaError, match=message):
        formula.evaluate(expression, values)
