"""find_money / parse_amount on synthetic sentences: every written form, range, qualifier and exclusion."""

from __future__ import annotations

import pytest

from extract.money import find_money, parse_amount


def one(text: str):
    found = find_money(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("a grant of CHF 346 000 was made", 346000, "CHF"),
        ("a grant of CHF\u00a0346\u00a0000 was made", 346000, "CHF"),
        ("a grant of CHF\u2009346\u202f000 was made", 346000, "CHF"),
        ("costs of USD 1,250,000 in total", 1250000, "USD"),
        ("estimated at USD 2.48 billion", 2.48e9, "USD"),
        ("worth US$ 12 million", 12e6, "USD"),
        ("worth $3.5bn", 3.5e9, "USD"),
        ("about €30 million in loans", 30e6, "EUR"),
        ("EUR 4 mn for equipment", 4e6, "EUR"),
        ("£450k for studies", 450e3, "GBP"),
        ("₴ 2 billion of damage", 2e9, "UAH"),
        ("JPY 100 million", 100e6, "JPY"),
        ("a 5 000 000 UAH budget", 5e6, "UAH"),
        ("20 million Swiss francs", 20e6, "CHF"),
        ("15 billion hryvnias of losses", 15e9, "UAH"),
        ("3 millions of US dollars", 3e6, "USD"),
        ("450 euros per household", 450, "EUR"),
        ("the GEL 12 thousand grant", 12e3, "GEL"),
        ("PLN 1.250.000 for schools", 1250000, "PLN"),
    ],
)
def test_formats(text: str, amount: float, currency: str) -> None:
    m = one(text)
    assert m.amount == pytest.approx(amount)
    assert m.currency == currency
    assert text[m.start : m.end] == m.text


def test_amount_wrapped_across_a_line() -> None:
    m = one("a requirement of USD\n35\nmillion for it")
    assert (m.amount, m.currency) == (35e6, "USD")


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("costs of USD 1-2 million", 1e6, 2e6),
        ("costs of USD 1–2 million", 1e6, 2e6),
        ("between USD 1 and 2 million", 1e6, 2e6),
        ("from USD 1 million to 2 million", 1e6, 2e6),
        ("EUR 10 to 15 billion", 10e9, 15e9),
    ],
)
def test_ranges(text: str, low: float, high: float) -> None:
    m = one(text)
    assert (m.amount, m.amount_max) == (low, high)


def test_not_a_range_when_the_second_number_counts_something_else() -> None:
    m = one("USD 5 million to 10 schools")
    assert (m.amount, m.amount_max, m.text) == (5e6, None, "USD 5 million")


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("amounts to over USD 770 million", "over"),
        ("about CHF 5 000", "about"),
        ("approximately EUR 2 million", "about"),
        ("around $4m", "about"),
        ("almost USD 1 billion", "almost"),
        ("nearly USD 1 billion", "almost"),
        ("up to CHF 50 000", "up to"),
        ("at least USD 3 million", "at least"),
        ("more than USD 3 million", "more than"),
        ("some USD 3 million", "about"),
        ("an estimated USD 3 million", "about"),
        ("paid USD 3 million", None),
    ],
)
def test_qualifiers(text: str, qualifier: str | None) -> None:
    assert one(text).qualifier == qualifier


@pytest.mark.parametrize(
    "text",
    [
        "over 90 per cent of the total and 85% of damage",
        "Council Resolution 1408 (Mod. 2023); Document C23/59",
        "in 2025 more than 100 stakeholders met",
        "the 5G roll-out with 3 operators",
        "see note 12 on page 4",
        "try 5 times, ALL 3 of them",
        "a grant of USD 2022 prices",
    ],
)
def test_no_money_without_a_currency(text: str) -> None:
    assert find_money(text) == []


def test_several_amounts_keep_their_order_and_offsets() -> None:
    text = "Japan (CHF 100 000; 2022), Czech Republic (CHF 57 000; 2023/2024/2025)"
    found = find_money(text)
    assert [m.amount for m in found] == [100000, 57000]
    assert all(text[m.start : m.end] == m.text for m in found)


@pytest.mark.parametrize(
    ("text", "scale", "value"),
    [
        ("346 000", None, 346000),
        ("1,250,000", None, 1250000),
        ("2.48", "billion", 2.48e9),
        ("2.48 billion", None, 2.48e9),
        ("35", "million", 35e6),
        ("35", 1e6, 35e6),
        ("2,5", "million", 2.5e6),
        ("n/a", None, None),
    ],
)
def test_parse_amount(text: str, scale: str | float | None, value: float | None) -> None:
    assert parse_amount(text, scale) == (pytest.approx(value) if value is not None else None)


# -- issue 12: scales, words, dollar variants, sub-units, legacy currencies, exact values ----------------
@pytest.mark.parametrize(
    ("text", "written", "amount", "currency"),
    [
        ("a market of $9B in 2022", "$9B", 9e9, "USD"),
        ("and $69B by 2030", "$69B", 69e9, "USD"),
        ("totaling about $15B in 2023", "$15B", 15e9, "USD"),
        ("a loan of €30M", "€30M", 30e6, "EUR"),
        ("USD 1.2bn of bonds", "USD 1.2bn", 1.2e9, "USD"),
        ("fined five million yen", "five million yen", 5e6, "JPY"),
        ("it cost ten dollars", "ten dollars", 10, "USD"),
        ("half a million Swiss francs", "half a million Swiss francs", 5e5, "CHF"),
        ("a one-yen bid won", "one-yen", 1, "JPY"),
        ("twenty-five dollars each", "twenty-five dollars", 25, "USD"),
        ("a C$ 300 million plan", "C$ 300 million", 300e6, "CAD"),
        ("HK$ 10.05 billion raised", "HK$ 10.05 billion", 10.05e9, "HKD"),
        ("A$ 5 million", "A$ 5 million", 5e6, "AUD"),
        ("NZ$ 2 million", "NZ$ 2 million", 2e6, "NZD"),
        ("sold for Rs 20 a kilo", "Rs 20", 20, "INR"),
        ("rose to 64.2 cents", "64.2 cents", 0.642, "USD"),
        ("2 million French francs", "2 million French francs", 2e6, "FRF"),
        ("300 million pesetas", "300 million pesetas", 300e6, "ESP"),
        ("10 million markkaa", "10 million markkaa", 10e6, "FIM"),
        ("50 guilders", "50 guilders", 50, "NLG"),
        ("Decides to appropriate 1,355,899,200 dollars", "1,355,899,200 dollars", 1355899200, "USD"),
    ],
)
def test_issue12_forms(text: str, written: str, amount: float, currency: str) -> None:
    m = one(text)
    assert (m.text, m.currency) == (written, currency)
    assert m.amount == pytest.approx(amount)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("US$ 3 to 5 million", 3e6, 5e6),
        ("US$ 3 to 2 million", 2e6, 3e6),  # scale on the far end applies to both; ends kept ordered
    ],
)
def test_range_with_scale_on_the_far_end_only(text: str, low: float, high: float) -> None:
    m = one(text)
    assert (m.text, m.amount, m.amount_max) == (text, low, high)


def test_exact_value_is_a_decimal_string() -> None:
    m = one("USD 0.1 million and")
    assert m.amount_exact == "100000"
    assert one("64.2 cents").amount_exact == "0.642"
    r = one("USD 1.1-2.2 billion")
    assert (r.amount_exact, r.amount_max_exact) == ("1100000000", "2200000000")


def test_number_words_need_a_scale_or_a_currency_name() -> None:
    assert find_money("USD one") == []
    assert find_money("one of the options") == []
    assert find_money("the team of five won the cup") == []  # "won" the verb, not the currency
    assert find_money("5 pounds of rice") == []  # weight: only "pounds sterling" is money
