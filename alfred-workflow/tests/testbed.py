"""Where the workflow is, and the AWS profile files the tests start from."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent
WORKFLOW = TESTS.parent
REPO = WORKFLOW.parent

CREDENTIALS = """\
# Long-term keys. awsmfa writes the sessions into [work] and [staging].
[work-mfa]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[staging-mfa]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
"""

# `staging` has no way to get a one-time code yet, so it needs `awsmfa setup`.
CONFIG = """\
[profile work]
mfa_serial = arn:aws:iam::123456789012:mfa/me
awsmfa_op_item = AWS work
region = eu-west-1

[profile staging]
mfa_serial = arn:aws:iam::123456789012:mfa/me
region = eu-central-1
"""
