//! The byte-preservation corpus: real-world-shaped AWS files and the edits made over them,
//! shared by the editor's unit tests (`src/ini/tests.rs`), the check against the AWS CLI's
//! own reader (`tests/awsmfa/ini_properties.rs`) and the fuzzers' seeds
//! (`fuzz/make_seeds.py`), so all three stay one list.

/// Real-world shapes: comments of both kinds, CRLF, a BOM, no trailing newline, duplicate
/// sections and keys, names with spaces, dots and unicode, nested `s3 =` settings, other
/// tools' keys, several expiry keys, indented headers (a continuation after a setting),
/// config headers as the AWS CLI splits them, continued values.
pub const CORPUS: &[(&str, &str)] = &[
    ("empty", ""),
    ("only a comment", "# nothing here yet\n"),
    (
        "aws-cli default",
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    ),
    (
        "comments and blank lines",
        "# Work account — rotate keys every 90 days\n; old style comment\n\n[work-mfa]\n# long-term\naws_access_key_id=AKIA1\naws_secret_access_key=abc\n\n\n[work]\naws_access_key_id = ASIAOLD\n# keep this comment\naws_secret_access_key = old\naws_session_token = old\nregion = eu-west-1\n\n# trailing comment about [other]\n[other]\nx = y\n",
    ),
    (
        "crlf",
        "[work-mfa]\r\naws_access_key_id = AKIA1\r\naws_secret_access_key = s\r\n\r\n[work]\r\naws_session_token = t\r\n\r\n[z]\r\nk = v\r\n",
    ),
    ("bom", "\u{feff}[work]\naws_access_key_id = A\n[b]\nk = v\n"),
    (
        "no trailing newline",
        "[a]\nk = v\n[work]\naws_access_key_id = A",
    ),
    (
        "no trailing newline, other last",
        "[work]\nk = v\n[a]\nk = v",
    ),
    (
        "duplicate sections and keys",
        "[work]\naws_access_key_id = A1\naws_access_key_id = A2\n[mid]\nm = 1\n[work]\naws_session_token = T2\nnote = keep\n",
    ),
    (
        "odd names",
        "[my profile]\nk = v\n[team.prod]\nk = v\n[ünïcødé-账户]\nk = v\n[work]\nk = v\n",
    ),
    (
        "nested settings",
        "[work]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\n[after]\nk = v\n",
    ),
    (
        "colon delimiter and odd spacing",
        "[work]\n  aws_access_key_id:ASIA\n\taws_session_token =   t  \n[x]\nk=v\n",
    ),
    (
        "other tools' keys",
        "[work]\naws_access_key_id = ASIA\naws_session_token = t\naws_security_token = t\nexpiration = 2019-01-01 00:00:00\nassumed_role = False\nx_principal_arn = arn:aws:iam::1:user/me\n",
    ),
    (
        "header with comment",
        "[work] # session written by awsmfa\nk = v\n[a] ; x\nk = v\n",
    ),
    ("whitespace only", "\n\n  \n"),
    (
        "indented header after a setting",
        "[work-mfa]\naws_access_key_id = A\n  [work]\naws_session_token = old\n[b]\nk = v\n",
    ),
    (
        "indented sections",
        "  [work]\n  aws_access_key_id = A\n\n  [b]\n  k = v\n    continued\n",
    ),
    (
        "config headers as the AWS CLI splits them",
        "[profile\twork]\nregion = eu-west-1\n[profile  work]\nk = v\n[profile \"ops team\"]\nk = v\n[profile in valid]\nk = v\n[   profile padded   ]\nk = v\n[default]\nk = v\n[profile default]\nk = w\n",
    ),
    (
        "several expiry keys",
        "[work]\naws_access_key_id = ASIA\naws_session_token = t\nx_security_token_expires = 2030-01-01T12:00:00+00:00\nexpiration = 2030-01-01 00:15:00\n",
    ),
    (
        "continued values and sub-settings",
        "[work]\nnote = first\n  second # kept\n\n  third\ns3 =\n  # a comment\n  addressing_style = path\n[z]\nk = v\n",
    ),
];

pub const NAMES: &[&str] = &[
    "work",
    "new-profile",
    "my profile",
    "ünïcødé-账户",
    "team.prod",
];

pub const VALUES: &[(&str, &str)] = &[
    ("aws_access_key_id", "ASIANEW"),
    ("aws_secret_access_key", "secret/with+chars="),
    ("aws_session_token", "token"),
    ("x_security_token_expires", "2026-11-25T18:42:00Z"),
];

pub const REMOVE: &[&str] = &["aws_security_token", "expiration"];
