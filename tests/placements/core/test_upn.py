"""UPNs (domain.md "UPN"): the check letter, today's LA codes as data, spaces ignored. The oracles
are independent of the code under test: DfE's published example, python-stdnum's separate
implementation (for the LA codes its table knows), and single-character changes that a mod-23
check must always catch."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.gb import upn as stdnum_upn

from placements.core import rules

DFE_EXAMPLE = "B801200005001"


def test_dfes_example_upn_is_valid():
    assert rules.upn_problem(DFE_EXAMPLE) is None


@pytest.mark.parametrize("la_code", ["838", "839", "940", "941", "942", "943"])
def test_the_codes_of_authorities_created_since_2019_are_valid_today(la_code):
    body = f"{la_code}400111001"
    # The check letter by hand from domain.md: weights 2…13 over characters 2–13, mod 23.
    total = sum(weight * int(char) for weight, char in zip(range(2, 14), body, strict=True))
    letter = "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23]
    assert rules.upn_problem(letter + body) is None


def test_a_code_that_is_not_an_la_is_refused_even_with_the_right_check_letter():
    body = "000200005001"
    assert "local authority" in rules.upn_problem(stdnum_upn.calc_check_digit(body) + body)


def test_the_la_codes_are_a_data_file_that_includes_every_code_python_stdnum_knows():
    assert {f"{code:03d}" for code in stdnum_upn._la_numbers} <= rules.LA_CODES
    assert {"838", "839", "940", "941", "942", "943"} <= rules.LA_CODES


@pytest.mark.parametrize(
    "pasted", ["B801 2000 0500 1", " B8012000 05001 ", "b801200005001", "B 801200005001"]
)
def test_spaces_inside_a_pasted_upn_are_ignored(pasted):
    assert rules.upn_problem(pasted) is None
    assert rules.normalise_upn(pasted) == DFE_EXAMPLE


@given(position=st.integers(1, 11), delta=st.integers(1, 9))
def test_changing_any_one_digit_of_a_valid_upn_is_caught(position, delta):
    digits = list(DFE_EXAMPLE)
    digits[position + 1] = str((int(digits[position + 1]) + delta) % 10)
    changed = "".join(digits)
    problem = rules.upn_problem(changed)
    assert problem is not None


@given(
    la=st.sampled_from(sorted(stdnum_upn._la_numbers)),
    rest=st.text(alphabet="0123456789", min_size=8, max_size=8),
    last=st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUVWXYZ"),
    check=st.sampled_from("ABCDEFGHJKLMNPQRTUVWXYZ"),
)
def test_the_check_letter_agrees_with_an_independent_implementation(la, rest, last, check):
    upn = f"{check}{la:03d}{rest}{last}"
    assert (rules.upn_problem(upn) is None) == stdnum_upn.is_valid(upn)


def test_the_la_code_file_loads_every_row():
    codes = rules._load_la_codes()
    assert codes == rules.LA_CODES
    assert len(codes) == 158 and {"201", "420", "838", "943"} <= codes
    assert all(len(code) == 3 and code.isdigit() for code in codes)


def test_each_kind_of_bad_upn_is_named():
    assert rules.upn_problem("I801200005001") == (
        "“I801200005001” is not a valid UPN: it must be a letter, 11 digits and a final digit or letter."
    )
    assert rules.upn_problem("B80120000500I") == (
        "“B80120000500I” is not a valid UPN: it must be a letter, 11 digits and a final digit or letter."
    )
    assert rules.upn_problem("B8012000050A1") == (
        "“B8012000050A1” is not a valid UPN: it must be a letter, 11 digits and a final digit or letter."
    )
    assert rules.upn_problem("C801200005001") == (
        "“C801200005001” is not a valid UPN: the check letter does not match the rest of the number."
    )
    assert rules.upn_problem("B80120000500") == "A UPN has 13 characters; “B80120000500” has 12."
    assert rules.upn_problem("") == "A UPN has 13 characters; “” has 0."
    assert rules.upn_problem(None) == "A UPN has 13 characters; “” has 0."
    assert rules.normalise_upn("\tb801 200\n005001 ") == "B801200005001"


def test_a_temporary_upn_ends_in_a_letter_that_counts_by_its_alphabet_index():
    body = "80120000500"
    for last in "ABZ":
        letter = rules.upn_check_letter(body + last)
        assert rules.upn_problem(letter + body + last) is None
    # A final A counts 0 and a final B counts 1 × 13: their check letters differ by 13 places.
    a, b = rules.upn_check_letter(body + "A"), rules.upn_check_letter(body + "B")
    letters = rules.UPN_CHECK_LETTERS
    assert (letters.index(b) - letters.index(a)) % 23 == 13
