//! How awsmfa reads `~/.aws/config` and `~/.aws/credentials`, case by case against the AWS
//! SDKs' shared profile-file conformance suite (`profile-parser-tests.json` in the SDK runtime
//! repositories; the cases below are those of the Rust SDK's copy, smithy-rs
//! `aws/rust-runtime/aws-config/test-data/`, named as the suite names them, and checked
//! against the AWS CLI's own reader, botocore).
//!
//! Where the AWS CLI and the SDKs disagree, awsmfa reads as the AWS CLI does: it is the tool
//! people check a profile against (`aws configure get`). Each such case says why; so does each
//! case where awsmfa reads neither way. And wherever awsmfa reads a file the AWS CLI refuses,
//! `list` and `status` say so (`Document::cli_problems`).

use std::collections::BTreeMap;

use awsmfa::ini::Document;
use awsmfa::profiles::AwsFiles;

/// Profiles and their settings, as a case writes them down.
type Table = &'static [(&'static str, &'static [(&'static str, &'static str)])];

/// What a reader makes of a case's files.
#[derive(Debug, Clone, Copy)]
enum Reads {
    /// These profiles, with these settings (keys in lower case: they match regardless).
    Profiles(Table),
    /// It refuses a file.
    Refuses,
}

use Reads::{Profiles, Refuses};

/// A reading in a form to compare: `None` for a refused file.
type Reading = Option<BTreeMap<String, BTreeMap<String, String>>>;

impl Reads {
    fn reading(self) -> Reading {
        match self {
            Refuses => None,
            Profiles(table) => Some(
                table
                    .iter()
                    .map(|(name, settings)| {
                        let settings = settings
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect();
                        (name.to_string(), settings)
                    })
                    .collect(),
            ),
        }
    }
}

/// How awsmfa's reading of a case relates to the suite's and the AWS CLI's.
#[derive(Debug, Clone, Copy)]
enum Awsmfa {
    /// As the suite expects. (The AWS CLI reads the same, or refuses the file, and then
    /// awsmfa warns that it does.)
    AsTheSuite,
    /// As the AWS CLI reads it, not as the suite expects; and why that matters.
    AsTheCli(Reads, &'static str),
    /// Neither as the suite nor as the AWS CLI; and why.
    Own(Reads, &'static str),
}

use Awsmfa::{AsTheCli, AsTheSuite, Own};

struct Case {
    name: &'static str,
    config: Option<&'static str>,
    credentials: Option<&'static str>,
    suite: Reads,
    awsmfa: Awsmfa,
}

const INLINE_COMMENT: &str = "the AWS CLI keeps an inline `#` or `;` comment in the value (configparser has no inline comment prefixes there); awsmfa reads and keeps what `aws configure get` prints";
const COLON: &str =
    "the AWS CLI reads `key : value` as a setting (configparser takes `:` as well as `=`)";
const ANY_NAME: &str = "the AWS CLI checks no characters: any header that splits into `profile` and one more shell word is a profile";
const KEY_WITH_SPACE: &str = "the AWS CLI keeps a key with a space in it";
const CREDENTIALS_NAME: &str = "in the credentials file the AWS CLI takes a section's name as written, untrimmed, `profile ` included, spaces allowed";
const LAST_DEFAULT: &str =
    "the AWS CLI reads whichever of `[default]` and `[profile default]` comes last";
const PADDED_HEADER: &str = "for the AWS CLI `[   profile foo    ]` is no profile: its header does not start with `profile`";
const EMPTY_IS_UNSET: &str = "an empty value is no value to awsmfa: `mfa_serial =` means no serial is set, so it says how to set one (the AWS CLI and SDKs read an empty string)";
const BAD_SUB_SETTING: &str = "the AWS CLI and SDKs refuse the file; awsmfa reads the raw value, uses no such setting, and warns that the AWS CLI refuses the file, so one bad line in `s3 =` does not stop a login";
const EMPTY_SUB_NAME: &str = "awsmfa reads the raw value as configparser returns it (the AWS CLI then splits it into sub-settings, one with an empty name; the SDKs refuse it); awsmfa reads sub-settings only where it uses them (`services`)";
const BLANK_SUB_LINE: &str = "awsmfa reads the raw value as configparser returns it, blank line kept; the AWS CLI and SDKs drop it when they split sub-settings, which awsmfa does only where it uses them (`services`)";

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    let case = |name, config, credentials, suite, awsmfa| Case { name, config, credentials, suite, awsmfa };
    let config = |name, text, suite, awsmfa| case(name, Some(text), None, suite, awsmfa);
    let credentials = |name, text, suite, awsmfa| case(name, None, Some(text), suite, awsmfa);
    let in_foo = |settings| Profiles(Box::leak(Box::new([("foo", settings)])));
    vec![
        config("Empty files have no profiles.", "", Profiles(&[]), AsTheSuite),
        config("Empty profiles have no properties.", "[profile foo]", in_foo(&[]), AsTheSuite),
        config("Profile names support alphanumeric characters and - / . % @ _ : +",
            "[profile some-thing:long/the_one%only.foo@bar+]\n[profile foo!bar]",
            Profiles(&[("some-thing:long/the_one%only.foo@bar+", &[])]),
            AsTheCli(Profiles(&[("some-thing:long/the_one%only.foo@bar+", &[]), ("foo!bar", &[])]), ANY_NAME)),
        config("Profile definitions must end with brackets.", "[profile foo", Refuses, AsTheSuite),
        config("Profile names should be trimmed.", "[profile \tfoo \t]", in_foo(&[]), AsTheSuite),
        config("Tabs can separate profile names from profile prefix.", "[profile\tfoo]", in_foo(&[]), AsTheSuite),
        config("Properties must be defined in a profile.", "name = value", Refuses, AsTheSuite),
        config("Profiles can contain properties.", "[profile foo]\nname = value", in_foo(&[("name", "value")]), AsTheSuite),
        config("Windows style line endings are supported.", "[profile foo]\r\nname = value", in_foo(&[("name", "value")]), AsTheSuite),
        config("Equals signs are supported in property values.", "[profile foo]\nname = val=ue", in_foo(&[("name", "val=ue")]), AsTheSuite),
        config("Unicode characters are supported in property values.", "[profile foo]\nname = \u{1F602}", in_foo(&[("name", "\u{1F602}")]), AsTheSuite),
        config("Profiles can contain multiple properties.", "[profile foo]\nname = value\nname2 = value2",
            in_foo(&[("name", "value"), ("name2", "value2")]), AsTheSuite),
        // The suite has this case twice.
        config("Profiles can contain multiple properties.", "[profile foo]\nname = value\nname2 = value2",
            in_foo(&[("name", "value"), ("name2", "value2")]), AsTheSuite),
        config("Property keys and values are trimmed.", "[profile foo]\nname \t=  \tvalue \t", in_foo(&[("name", "value")]), AsTheSuite),
        config("Property values can be empty.", "[profile foo]\nname =", in_foo(&[("name", "")]),
            Own(in_foo(&[]), EMPTY_IS_UNSET)),
        config("Property key cannot be empty.", "[profile foo]\n= value", Refuses, AsTheSuite),
        config("Property definitions must contain an equals sign.", "[profile foo]\nkey : value", Refuses,
            AsTheCli(in_foo(&[("key", "value")]), COLON)),
        config("Multiple profiles can be empty.", "[profile foo]\n[profile bar]", Profiles(&[("foo", &[]), ("bar", &[])]), AsTheSuite),
        config("Multiple profiles can have properties.", "[profile foo]\nname = value\n[profile bar]\nname2 = value2",
            Profiles(&[("foo", &[("name", "value")]), ("bar", &[("name2", "value2")])]), AsTheSuite),
        config("Blank lines are ignored.", "\t \n[profile foo]\n\t\n \nname = value\n\t \n[profile bar]\n \t",
            Profiles(&[("foo", &[("name", "value")]), ("bar", &[])]), AsTheSuite),
        config("Pound sign comments are ignored.", "# Comment\n[profile foo] # Comment\nname = value # Comment with # sign",
            in_foo(&[("name", "value")]), AsTheCli(in_foo(&[("name", "value # Comment with # sign")]), INLINE_COMMENT)),
        config("Semicolon sign comments are ignored.", "; Comment\n[profile foo] ; Comment\nname = value ; Comment with ; sign",
            in_foo(&[("name", "value")]), AsTheCli(in_foo(&[("name", "value ; Comment with ; sign")]), INLINE_COMMENT)),
        config("All comment types can be used together.", "# Comment\n[profile foo] ; Comment\nname = value # Comment with ; sign",
            in_foo(&[("name", "value")]), AsTheCli(in_foo(&[("name", "value # Comment with ; sign")]), INLINE_COMMENT)),
        config("Comments can be empty.", ";\n[profile foo];\nname = value ;\n",
            in_foo(&[("name", "value")]), AsTheCli(in_foo(&[("name", "value ;")]), INLINE_COMMENT)),
        config("Comments can be adjacent to profile names.", "[profile foo]; Adjacent semicolons\n[profile bar]# Adjacent pound signs",
            Profiles(&[("foo", &[]), ("bar", &[])]), AsTheSuite),
        config("Comments adjacent to values are included in the value.",
            "[profile foo]\nname = value; Adjacent semicolons\nname2 = value# Adjacent pound signs",
            in_foo(&[("name", "value; Adjacent semicolons"), ("name2", "value# Adjacent pound signs")]), AsTheSuite),
        config("Property values can be continued on the next line.", "[profile foo]\nname = value\n -continued",
            in_foo(&[("name", "value\n-continued")]), AsTheSuite),
        config("Property values can be continued with multiple lines.", "[profile foo]\nname = value\n -continued\n -and-continued",
            in_foo(&[("name", "value\n-continued\n-and-continued")]), AsTheSuite),
        config("Continuations are trimmed.", "[profile foo]\nname = value\n \t -continued \t ",
            in_foo(&[("name", "value\n-continued")]), AsTheSuite),
        config("Continuation values include pound comments.", "[profile foo]\nname = value\n -continued # Comment",
            in_foo(&[("name", "value\n-continued # Comment")]), AsTheSuite),
        config("Continuation values include semicolon comments.", "[profile foo]\nname = value\n -continued ; Comment",
            in_foo(&[("name", "value\n-continued ; Comment")]), AsTheSuite),
        config("Continuations cannot be used outside of a profile.", " -continued", Refuses, AsTheSuite),
        config("Continuations cannot be used outside of a property.", "[profile foo]\n -continued", Refuses, AsTheSuite),
        config("Continuations reset with profile definitions.", "[profile foo]\nname = value\n[profile foo]\n -continued", Refuses, AsTheSuite),
        config("Duplicate profiles in the same file merge properties.", "[profile foo]\nname = value\n[profile foo]\nname2 = value2",
            in_foo(&[("name", "value"), ("name2", "value2")]), AsTheSuite),
        config("Duplicate properties in a profile use the last one defined.", "[profile foo]\nname = value\nname = value2",
            in_foo(&[("name", "value2")]), AsTheSuite),
        config("Duplicate properties in duplicate profiles use the last one defined.", "[profile foo]\nname = value\n[profile foo]\nname = value2",
            in_foo(&[("name", "value2")]), AsTheSuite),
        config("Duplicate properties in duplicate profiles use the last one defined (case insensitive).",
            "[profile foo]\nName = value\n[profile foo]\nname = value2", in_foo(&[("name", "value2")]), AsTheSuite),
        config("Default profile with profile prefix overrides default profile without prefix when profile prefix is first.",
            "[profile default]\nname = value\n[default]\nname2 = value2",
            Profiles(&[("default", &[("name", "value")])]),
            AsTheCli(Profiles(&[("default", &[("name2", "value2")])]), LAST_DEFAULT)),
        config("Default profile with profile prefix overrides default profile without prefix when profile prefix is last.",
            "[default]\nname2 = value2\n[profile default]\nname = value", Profiles(&[("default", &[("name", "value")])]), AsTheSuite),
        case("Invalid profile names are ignored.", Some("[profile in valid]\nname = value"), Some("[in valid 2]\nname2 = value2"),
            Profiles(&[]), AsTheCli(Profiles(&[("in valid 2", &[("name2", "value2")])]), CREDENTIALS_NAME)),
        config("Invalid property names are ignored.", "[profile foo]\nin valid = value", in_foo(&[]),
            AsTheCli(in_foo(&[("in valid", "value")]), KEY_WITH_SPACE)),
        config("All valid profile name characters are supported.",
            "[profile ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_]",
            Profiles(&[("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", &[])]), AsTheSuite),
        config("All valid property name characters are supported.",
            "[profile foo]\nABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_ = value",
            in_foo(&[("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789-_", "value")]), AsTheSuite),
        config("Properties can have sub-properties.", "[profile foo]\ns3 =\n name = value", in_foo(&[("s3", "\nname = value")]), AsTheSuite),
        config("Invalid sub-property definitions cause an error.", "[profile foo]\ns3 =\n invalid", Refuses,
            Own(in_foo(&[("s3", "\ninvalid")]), BAD_SUB_SETTING)),
        config("Sub-property definitions can have an empty value.", "[profile foo]\ns3 =\n name =", in_foo(&[("s3", "\nname =")]), AsTheSuite),
        config("Sub-property definitions cannot have an empty name.", "[profile foo]\ns3 =\n = value", Refuses,
            Own(in_foo(&[("s3", "\n= value")]), EMPTY_SUB_NAME)),
        config("Sub-property definitions can have an invalid name.", "[profile foo]\ns3 =\n in valid = value",
            in_foo(&[("s3", "\nin valid = value")]), AsTheSuite),
        config("Sub-properties can have blank lines that are ignored", "[profile foo]\ns3 =\n name = value\n\t \n name2 = value2",
            in_foo(&[("s3", "\nname = value\nname2 = value2")]), Own(in_foo(&[("s3", "\nname = value\n\nname2 = value2")]), BLANK_SUB_LINE)),
        case("Profiles duplicated in multiple files are merged.", Some("[profile foo]\nname = value"), Some("[foo]\nname2 = value2"),
            in_foo(&[("name", "value"), ("name2", "value2")]), AsTheSuite),
        config("Default profiles with mixed prefixes in the config file ignore the one without prefix when merging.",
            "[profile default]\nname = value\n[default]\nname2 = value2\n[profile default]\nname3 = value3",
            Profiles(&[("default", &[("name", "value"), ("name3", "value3")])]), AsTheSuite),
        case("Default profiles with mixed prefixes merge with credentials",
            Some("[profile default]\nname = value\n[default]\nname2 = value2\n[profile default]\nname3 = value3"),
            Some("[default]\nsecret=foo"),
            Profiles(&[("default", &[("name", "value"), ("name3", "value3"), ("secret", "foo")])]), AsTheSuite),
        case("Duplicate properties between files uses credentials property.", Some("[profile foo]\nname = value"), Some("[foo]\nname = value2"),
            in_foo(&[("name", "value2")]), AsTheSuite),
        config("Config profiles without prefix are ignored.", "[foo]\nname = value", Profiles(&[]), AsTheSuite),
        credentials("Credentials profiles with prefix are ignored.", "[profile foo]\nname = value", Profiles(&[]),
            AsTheCli(Profiles(&[("profile foo", &[("name", "value")])]), CREDENTIALS_NAME)),
        config("Comment characters adjacent to profile decls", "[profile foo]; semicolon\n[profile bar]# pound",
            Profiles(&[("foo", &[]), ("bar", &[])]), AsTheSuite),
        config("Invalid continuation", "[profile foo]\nname = value\n[profile foo]\n -continued", Refuses, AsTheSuite),
        config("sneaky profile name", "[profilefoo]\nname = value\n[profile bar]", Profiles(&[("bar", &[])]), AsTheSuite),
        config("profile name with extra whitespace", "[   profile foo    ]\nname = value\n[profile bar]",
            Profiles(&[("bar", &[]), ("foo", &[("name", "value")])]),
            AsTheCli(Profiles(&[("bar", &[])]), PADDED_HEADER)),
        credentials("profile name with extra whitespace in credentials", "[   foo    ]\nname = value\n[profile bar]",
            in_foo(&[("name", "value")]),
            AsTheCli(Profiles(&[("   foo    ", &[("name", "value")]), ("profile bar", &[])]), CREDENTIALS_NAME)),
        config("properties from an invalid profile name are ignored",
            "[profile foo]\nname = value\n[profile in valid]\nx = 1\n[profile bar]\nname = value2",
            Profiles(&[("bar", &[("name", "value2")]), ("foo", &[("name", "value")])]), AsTheSuite),
        // The suite also expects `sso_sessions`; awsmfa reads no SSO sessions, and compares profiles.
        config("sso-session with properties", "[sso-session foo]\nname = value\n[profile bar]", Profiles(&[("bar", &[])]), AsTheSuite),
        credentials("sso-session without the space before the name is a profile", "[sso-sessionfoo]\nname = value\n[bar]",
            Profiles(&[("sso-sessionfoo", &[("name", "value")]), ("bar", &[])]), AsTheSuite),
    ]
}

/// What awsmfa reads from a case: every profile it finds in either file and each one's
/// settings, looked up the way every command looks them up ([`AwsFiles::setting`]).
fn awsmfa_reads(case: &Case) -> (Reading, bool) {
    let parse = |text: Option<&str>| Document::parse(text.unwrap_or(""));
    let (Ok(config), Ok(credentials)) = (parse(case.config), parse(case.credentials)) else {
        return (None, false);
    };
    let warns = !config.cli_problems().is_empty() || !credentials.cli_problems().is_empty();
    let files = AwsFiles::new(config, credentials, "config".into(), "credentials".into());
    let mut profiles = BTreeMap::new();
    for name in files.all_profile_names() {
        let header = files.config_section_of(&name);
        // Its sections' keys, and those of `[DEFAULT]` in a file where it has one.
        let keys: std::collections::BTreeSet<String> = [
            (&files.credentials, name.as_str()),
            (&files.config, header.as_str()),
        ]
        .into_iter()
        .filter(|(doc, section)| doc.has_section(section))
        .flat_map(|(doc, section)| {
            doc.sections()
                .filter(move |s| s.name == section || s.name == "DEFAULT")
                .flat_map(|s| {
                    doc.settings(s)
                        .map(|setting| setting.key.to_ascii_lowercase())
                })
        })
        .collect();
        let settings = keys
            .into_iter()
            .filter_map(|key| {
                let value = files.setting(&name, &key)?.to_string();
                Some((key, value))
            })
            .collect();
        profiles.insert(name, settings);
    }
    (Some(profiles), warns)
}

/// What the AWS CLI's reader makes of every case (`tests/support/botocore_profiles.py`).
fn aws_cli_reads(cases: &[Case]) -> Vec<Reading> {
    let files: Vec<_> = cases.iter().map(|c| (c.config, c.credentials)).collect();
    aws_cli_reads_all(&files)
}

/// What the AWS CLI reads from one pair of files (`None`: that file does not exist).
fn aws_cli_reads_files(
    config: Option<&str>,
    credentials: Option<&str>,
) -> Option<BTreeMap<String, BTreeMap<String, String>>> {
    aws_cli_reads_all(&[(config, credentials)]).remove(0)
}

fn aws_cli_reads_all(files: &[(Option<&str>, Option<&str>)]) -> Vec<Reading> {
    let input: String = files
        .iter()
        .map(|(config, credentials)| {
            let line = serde_json::json!({"config": config, "credentials": credentials});
            format!("{line}\n")
        })
        .collect();
    let (ok, out) = crate::support::python_script("botocore_profiles.py", &input);
    assert!(ok, "botocore_profiles.py failed");
    let readings: Vec<Reading> = out
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            value
                .get("profiles")
                .map(|profiles| serde_json::from_value(profiles.clone()).unwrap())
        })
        .collect();
    assert_eq!(readings.len(), files.len(), "one reading per pair of files");
    readings
}

/// Every case of the suite: awsmfa reads what its table says, each claim about the AWS CLI
/// holds against botocore, and awsmfa warns exactly when the AWS CLI refuses a file it reads.
#[test]
fn awsmfa_reads_the_shared_profile_file_suite_as_the_aws_cli_does() {
    let cases = cases();
    assert_eq!(cases.len(), 64, "the suite's cases, each once (one twice)");
    let cli = aws_cli_reads(&cases);
    let mut failures = Vec::new();
    let mut agree = 0;
    let mut cli_agrees = 0;
    for (case, cli) in cases.iter().zip(cli) {
        let suite = case.suite.reading();
        let (awsmfa, warns) = awsmfa_reads(case);
        let mut fail = |what: String| failures.push(format!("{}: {what}", case.name));
        let show = |r: &Reading| format!("{r:?}");
        let expected = match case.awsmfa {
            AsTheSuite => {
                if cli.is_some() && cli != suite {
                    fail(format!(
                        "the AWS CLI reads {} where the suite reads {}: awsmfa should follow it or say why not",
                        show(&cli),
                        show(&suite)
                    ));
                }
                suite.clone()
            }
            AsTheCli(reads, why) | Own(reads, why) => {
                let reads = reads.reading();
                if reads == suite {
                    fail("listed as a difference, but it is what the suite expects".into());
                }
                if why.is_empty() {
                    fail("a difference without a reason".into());
                }
                reads
            }
        };
        match case.awsmfa {
            AsTheCli(..) if cli != expected => fail(format!(
                "said to follow the AWS CLI, which reads {}",
                show(&cli)
            )),
            Own(..) if cli == expected => {
                fail("said to differ from the AWS CLI, which reads the same".into())
            }
            _ => {}
        }
        if awsmfa != expected {
            fail(format!(
                "awsmfa reads {}, not {}",
                show(&awsmfa),
                show(&expected)
            ));
        }
        if awsmfa.is_some() && warns != cli.is_none() {
            fail(if warns {
                "awsmfa warns that the AWS CLI refuses a file it reads".into()
            } else {
                "the AWS CLI refuses a file awsmfa reads without a warning".into()
            });
        }
        agree += usize::from(awsmfa == suite);
        cli_agrees += usize::from(cli == suite);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The figures the README states; a change in either is a change in how profiles are read.
    assert_eq!(
        (agree, cli_agrees),
        (48, 45),
        "cases where awsmfa, and the AWS CLI, read what the suite expects"
    );
}

/// A reading without its empty values: an empty value is no value to awsmfa (the suite's
/// "Property values can be empty.").
fn without_empty(
    reading: &BTreeMap<String, BTreeMap<String, String>>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut reading = reading.clone();
    for settings in reading.values_mut() {
        settings.retain(|_, value| !value.is_empty());
    }
    reading
}

/// Shapes the suite has no case for, each read as the AWS CLI reads it (or, where the AWS
/// CLI refuses the file, with a warning that it does).
#[test]
fn awsmfa_reads_as_the_aws_cli_beyond_the_suite() {
    #[rustfmt::skip]
    let cases: &[(&str, Option<&str>, Option<&str>)] = &[
        ("[DEFAULT] is every section's defaults, and no profile",
            Some("[DEFAULT]\nregion = x\nmfa_serial = s\n[profile a]\nregion = y\n[profile b]\nregion =\n"),
            Some("[DEFAULT]\naws_mfa_device = d\n[a]\nk = v\n")),
        ("quoted names and tabs", Some("[profile \"ops team\"]\nk = v\n[profile\twork]\nk = v\n[profile 'x y']\nk = v\n"), None),
        ("a quote that does not close is no profile", Some("[profile \"ops]\nk = v\n[profile b]\nk = v\n"), None),
        ("indented header continues the setting", None, Some("[work-mfa]\nk = v\n  [work]\n  aws_session_token = t\n")),
        ("indented sections", None, Some("  [a]\n  k = v\n  [b]\n  j = w\n")),
        ("padded credentials names", None, Some("[ a ]\nk = v\n[a]\nk = w\n")),
        ("header text after the last bracket", Some("[profile a] ] tail\nk = v\n"), Some("[b] junk\nk = v\n")),
        ("a BOM", None, Some("\u{feff}[a]\nk = v\n")),
        ("a section twice", None, Some("[a]\nk = v\n[a]\nj = w\n")),
        ("a key twice, in any case", Some("[profile a]\nk = v\nK = w\n"), None),
        ("several expiry keys", None, Some("[a]\nexpiration = 2030-01-01 00:15:00\nx_security_token_expires = 2030-01-01T12:00:00Z\n")),
        ("continued values with comments and blank lines", Some("[profile a]\nk = v\n  # c\n\n  w\nj = x\n"), None),
        ("sub-settings", Some("[profile a]\ns3 =\n  max_concurrent_requests = 20\n  ; c\n  addressing_style = path\n"), None),
        ("CRLF", Some("[profile a]\r\nk = v\r\n  w\r\n"), Some("[a]\r\nj = x\r\n")),
    ];
    let files: Vec<_> = cases.iter().map(|(_, c, k)| (*c, *k)).collect();
    let cli = aws_cli_reads_all(&files);
    let mut failures = Vec::new();
    for ((name, config, credentials), cli) in cases.iter().zip(cli) {
        let case = Case {
            name,
            config: *config,
            credentials: *credentials,
            suite: Refuses,
            awsmfa: AsTheSuite,
        };
        let (awsmfa, warns) = awsmfa_reads(&case);
        let Some(read) = awsmfa else {
            failures.push(format!("{name}: awsmfa refuses it"));
            continue;
        };
        match cli {
            None if !warns => failures.push(format!(
                "{name}: the AWS CLI refuses it, awsmfa does not warn"
            )),
            None => {}
            Some(_) if warns => {
                failures.push(format!("{name}: awsmfa warns, but the AWS CLI reads it"))
            }
            Some(cli) if without_empty(&cli) != read => failures.push(format!(
                "{name}: awsmfa reads {read:?}, the AWS CLI {cli:?}"
            )),
            Some(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------
// Through the real binary: each way awsmfa used to read the files differently from the AWS
// CLI, as `list`, `status` and `login` meet it
// ---------------------------------------------------------------------------------------

mod through_the_binary {
    use std::process::Output;

    use serde_json::Value;

    use crate::support::{Home, Moto, in_12_hours, json, ok, run, stderr};

    const KEYS: &str = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

    fn serial(name: &str) -> String {
        format!("arn:aws:iam::123456789012:mfa/{}", name.replace(' ', "-"))
    }

    fn status(home: &Home, profile: &str) -> Value {
        serde_json::from_str(&ok(home
            .cmd()
            .args(["status", profile, "--format", "json"])))
        .unwrap()
    }

    fn login(home: &Home, profile: &str) -> Output {
        run(home
            .cmd()
            .args(["login", profile, "--code", "123456", "--format", "json"])
            .env("AWS_ENDPOINT_URL_STS", Moto::shared().url()))
    }

    fn logs_in(home: &Home, profile: &str) {
        let out = login(home, profile);
        assert!(out.status.success(), "login {profile}: {}", stderr(&out));
    }

    /// `[profile default]` is the default profile, and of it and `[default]` the last one
    /// counts, as for the AWS CLI (awsmfa used to read only `[default]`).
    #[test]
    fn profile_default_in_the_config_file_is_the_default_profile() {
        let credentials = format!("[default-mfa]\n{KEYS}");
        let home = Home::new(
            &format!(
                "[default]\nregion = us-east-1\n[profile default]\nregion = eu-west-1\nmfa_serial = {}\n",
                serial("profile-default")
            ),
            &credentials,
        );
        assert_eq!(status(&home, "default")["region"], "eu-west-1");
        logs_in(&home, "default");
        let home = Home::new(
            &format!(
                "[profile default]\nregion = eu-west-1\nmfa_serial = {}\n[default]\nregion = us-east-1\nmfa_serial = {}\n",
                serial("ignored"),
                serial("plain-default")
            ),
            &credentials,
        );
        assert_eq!(status(&home, "default")["region"], "us-east-1");
        logs_in(&home, "default");
    }

    /// A tab or two spaces after `profile` name the same profile (awsmfa used to list the
    /// profile but find none of its settings).
    #[test]
    fn a_tab_or_two_spaces_after_profile_still_name_the_profile() {
        let home = Home::new(
            &format!(
                "[profile\ttabbed]\nregion = eu-west-2\nmfa_serial = {}\nawsmfa_op_item = AWS\n[profile  spaced]\nregion = eu-west-3\nmfa_serial = {}\n",
                serial("tabbed"),
                serial("spaced")
            ),
            &format!("[tabbed-mfa]\n{KEYS}\n[spaced-mfa]\n{KEYS}"),
        );
        let tabbed = status(&home, "tabbed");
        assert_eq!(tabbed["region"], "eu-west-2");
        assert_eq!(tabbed["needs_setup"], false, "awsmfa_op_item is read");
        assert_eq!(status(&home, "spaced")["region"], "eu-west-3");
        logs_in(&home, "tabbed");
        logs_in(&home, "spaced");
    }

    /// Config headers split as a shell splits words: `[profile "ops team"]` is `ops team`,
    /// and `[profile in valid]` is no profile, so `[in valid]` gets none of its settings.
    #[test]
    fn config_headers_split_as_the_aws_cli_splits_them() {
        let home = Home::new(
            &format!(
                "[profile in valid]\nregion = eu-west-1\nmfa_serial = {}\n[profile \"ops team\"]\nregion = eu-north-1\nmfa_serial = {}\n",
                serial("in valid"),
                serial("ops team")
            ),
            &format!("[in valid-mfa]\n{KEYS}\n[ops team-mfa]\n{KEYS}"),
        );
        assert_eq!(status(&home, "ops team")["region"], "eu-north-1");
        logs_in(&home, "ops team");
        assert_eq!(status(&home, "in valid")["region"], Value::Null);
        let out = login(&home, "in valid");
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        assert_eq!(json(&out)["error"]["kind"], "no_serial");
    }

    /// A BOM: awsmfa reads the file, keeps the BOM when it writes, and `list`/`status` say
    /// that the AWS CLI will not read the file, and how to fix it, in every format.
    #[test]
    fn a_bom_is_kept_and_named_as_what_the_aws_cli_refuses() {
        let home = Home::new(
            &format!("[profile bom]\nmfa_serial = {}\n", serial("bom")),
            &format!("\u{feff}[bom-mfa]\n{KEYS}"),
        );
        let warning = "~/.aws/credentials starts with a byte-order mark (BOM), so the AWS CLI and SDKs will not read it: save it as UTF-8 without a BOM";
        let text = run(home.cmd().arg("list"));
        assert!(text.status.success());
        assert!(
            stderr(&text).contains(&format!("awsmfa: warning: {warning}")),
            "{}",
            stderr(&text)
        );
        let list = json(&run(home.cmd().args(["list", "--format", "json"])));
        assert_eq!(list["warnings"], serde_json::json!([warning]));
        assert_eq!(list["profiles"][0]["name"], "bom");
        assert_eq!(
            status(&home, "bom")["warnings"],
            serde_json::json!([warning])
        );
        let alfred = json(&run(home.cmd().args(["list", "--format", "alfred"])));
        let last = alfred["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["valid"], false);
        assert_eq!(last["subtitle"], "save it as UTF-8 without a BOM");
        logs_in(&home, "bom");
        assert!(home.read_credentials().starts_with("\u{feff}[bom-mfa]\n"));
        // Clean files carry no warnings field at all.
        let clean = Home::new("", &format!("[clean-mfa]\n{KEYS}"));
        let list = json(&run(clean.cmd().args(["list", "--format", "json"])));
        assert!(list.get("warnings").is_none(), "{list}");
    }

    /// aws-mfa refreshing a section awsmfa wrote adds `expiration` and leaves
    /// `x_security_token_expires` (12 h) behind: the earliest of them is the session's end, in
    /// `list`, `status`, the launchers and the reminders.
    #[test]
    fn of_several_expiry_keys_the_earliest_counts() {
        let soon = jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::from_mins(10))
            .unwrap();
        let soon_text = soon.strftime("%Y-%m-%d %H:%M:%S").to_string();
        let home = Home::new(
            "",
            &format!(
                "[multi-mfa]\n{KEYS}\n[multi]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = {}\nexpiration = {soon_text}\n",
                in_12_hours()
            ),
        );
        let want = awsmfa::expiry::format(jiff::Timestamp::from_second(soon.as_second()).unwrap());
        let list = json(&run(home.cmd().args(["list", "--format", "json"])));
        assert_eq!(list["profiles"][0]["expires_at"], want.as_str(), "{list}");
        assert!(list["profiles"][0]["seconds_left"].as_i64().unwrap() <= 600);
        assert_eq!(list["profiles"][0]["status"], "expiring");
        assert_eq!(status(&home, "multi")["expires_at"], want.as_str());
        let reminders = json(&run(home
            .cmd()
            .args(["reminders", "status", "--format", "json"])
            .env("AWSMFA_REMINDERS", "on")));
        let upcoming = reminders["upcoming"].as_array().unwrap();
        assert!(!upcoming.is_empty(), "{reminders}");
        for reminder in upcoming {
            assert_eq!(reminder["expires_at"], want.as_str(), "{reminders}");
        }
    }

    /// An indented `  [work]` after a setting continues that setting for the AWS CLI. awsmfa
    /// reads it so too: `login work` writes a real `[work]`, and the AWS CLI still reads the
    /// file, every other section as before (awsmfa used to edit the indented one, leaving a
    /// duplicate key the AWS CLI refuses the whole file for).
    #[test]
    fn an_indented_header_stays_part_of_the_setting_before_it() {
        let before = format!(
            "[indented-mfa]\n{KEYS}note = pasted from the wiki\n  [indented]\n  aws_session_token = old\n"
        );
        let home = Home::new(
            &format!("[profile indented]\nmfa_serial = {}\n", serial("indented")),
            &before,
        );
        logs_in(&home, "indented");
        let after = home.read_credentials();
        assert!(after.starts_with(&before), "{after}");
        let cli_before =
            super::aws_cli_reads_files(None, Some(&before)).expect("the AWS CLI reads it");
        let cli_after = super::aws_cli_reads_files(None, Some(&after))
            .expect("the AWS CLI still reads the file after login");
        assert_eq!(cli_before["indented-mfa"], cli_after["indented-mfa"]);
        let written = awsmfa::ini::Document::parse(after.as_str()).unwrap();
        let session = &cli_after["indented"];
        for key in [
            "aws_access_key_id",
            "aws_secret_access_key",
            "aws_session_token",
        ] {
            assert_eq!(
                session.get(key).map(String::as_str),
                written.get("indented", key),
                "{key}"
            );
        }
    }
}
