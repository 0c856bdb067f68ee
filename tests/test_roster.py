from datetime import date

import pytest

from handoff.core.errors import RosterError
from handoff.core.roster import read_roster, replace_roster, stored_roster, sync_roster

HEADER = "id,name,emails,kind,vendor,team,start,end\n"


def write(tmp_path, text, name="roster.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_as_hr_exports_it(tmp_path):
    path = write(tmp_path, "\ufeffID,Name,Emails,Kind,Vendor,Team,Start,End,Department\n"
                 "bob,Bob Builder,Bob@Vendor.example; bob.b@gmail.com,Contractor,Vendor Inc,payments,"
                 "2024-01-01,2025-06-30,X\n"
                 "alice,Alice,alice@corp.example,employee,,core,2020-01-01,,Y\n")
    bob, alice = read_roster(path)
    assert bob.emails == ("bob@vendor.example", "bob.b@gmail.com")
    assert (bob.kind, bob.vendor, bob.team, bob.start, bob.end) == (
        "contractor", "Vendor Inc", "payments", date(2024, 1, 1), date(2025, 6, 30))
    assert alice.end is None and alice.vendor is None


def test_toml_roster(tmp_path):
    path = write(tmp_path, '[[people]]\nid = "bob"\nname = "Bob"\nemails = ["bob@vendor.example"]\n'
                 'kind = "contractor"\nend = 2025-06-30\n', "roster.toml")
    [bob] = read_roster(path)
    assert bob.end == date(2025, 6, 30) and bob.emails == ("bob@vendor.example",)


@pytest.mark.parametrize("row, where", [
    ("bob,Bob,bob@v.example,freelancer,,,,", "row 2, field 'kind'"),
    ("bob,Bob,bob@v.example,contractor,,,2024-01-01,2024-13-01", "row 2, field 'end'"),
    ("bob,Bob,not-an-email,contractor,,,,", "row 2, field 'emails'"),
    (",Bob,bob@v.example,contractor,,,,", "row 2, field 'id'"),
    ("bob,Bob,bob@v.example,contractor,,,2024-05-01,2024-01-01", "row 2, field 'end'"),
])
def test_bad_row_names_file_row_and_field(tmp_path, row, where):
    path = write(tmp_path, HEADER + row + "\n")
    with pytest.raises(RosterError) as error:
        read_roster(path)
    assert str(path) in error.value.message and where in error.value.message


def test_duplicate_email_across_people_is_refused(tmp_path):
    path = write(tmp_path, HEADER + "a,A,x@corp.example,employee,,,,\nb,B,X@corp.example,employee,,,,\n")
    with pytest.raises(RosterError, match="row 3, field 'emails'"):
        read_roster(path)


def test_bad_roster_loads_nothing_and_keeps_the_old_one(workspace, tmp_path):
    good = write(tmp_path, HEADER + "a,A,a@corp.example,employee,,,,\n")
    replace_roster(workspace.store, read_roster(good))
    bad = write(tmp_path, HEADER + "a,A,a@corp.example,employee,,,,\nb,B,b@corp.example,robot,,,,\n", "bad.csv")
    with pytest.raises(RosterError):
        replace_roster(workspace.store, read_roster(bad))
    assert [p.id for p in stored_roster(workspace.store)] == ["a"]


def test_replace_reports_what_changed(workspace, tmp_path):
    first = write(tmp_path, HEADER + "a,A,a@corp.example,employee,,,,\nb,B,b@v.example,contractor,,,,\n")
    replace_roster(workspace.store, read_roster(first))
    second = write(tmp_path, HEADER + "a,A,a@corp.example,employee,,,,\nb,B,b@v.example,contractor,,,,2026-01-31\n"
                   "c,C,c@corp.example,employee,,,,\n", "second.csv")
    change = replace_roster(workspace.store, read_roster(second))
    assert change.added == ["c"] and change.removed == []
    assert change.changed == {"b": ["end: None -> 2026-01-31"]}


def test_roster_setting_reloads_only_when_the_file_changes(workspace, tmp_path):
    path = write(tmp_path, HEADER + "a,A,a@corp.example,employee,,,,\n")
    assert sync_roster(workspace.store, path).added == ["a"]
    assert sync_roster(workspace.store, path) is None
    path.write_text(HEADER + "b,B,b@corp.example,employee,,,,\n")
    change = sync_roster(workspace.store, path)
    assert change.added == ["b"] and change.removed == ["a"]


def test_aliases_match_people_that_trackers_name_by_login(workspace, tmp_path):
    from handoff.core.people import Directory

    path = write(tmp_path, HEADER.strip()
                 + ",aliases\nbob,Bob Builder,bob@vendor.example,contractor,,,,,bob-gh;Bobby B\n")
    [bob] = read_roster(path)
    assert bob.aliases == ("bob-gh", "Bobby B")
    replace_roster(workspace.store, [bob])
    directory = Directory(stored_roster(workspace.store), workspace.settings)
    assert directory.resolve("", "bob-gh").id == "bob" and directory.resolve("", "bobby b").id == "bob"
    assert directory.resolve("", "someone-else").kind == "unknown"
