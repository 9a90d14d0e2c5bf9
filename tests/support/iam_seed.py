"""Seeds moto's IAM through boto3 and prints what the test needs as one JSON line.

    python3 tests/support/iam_seed.py URL

- alice: an access key, a virtual MFA device enabled for her, and an inline policy that
  allows iam:ListMFADevices (the force-MFA policy allows it without MFA);
- bob: a virtual MFA device of his own (must not show up in alice's list);
- carol: an access key and no policy at all (IAM answers AccessDenied once moto checks).
"""

import json
import sys

import boto3

ALLOW_LIST_MFA = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:ListMFADevices", "Resource": "*"}
        ],
    }
)


def main() -> None:
    iam = boto3.client(
        "iam",
        endpoint_url=sys.argv[1],
        region_name="us-east-1",
        aws_access_key_id="AKIASEEDSEEDSEEDSEED",
        aws_secret_access_key="seed",
    )
    out = {}
    for name in ("alice", "bob", "carol"):
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        out[name] = {
            "access_key_id": key["AccessKeyId"],
            "secret_access_key": key["SecretAccessKey"],
        }
    for name in ("alice", "bob"):
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{name}-phone")
        serial = device["VirtualMFADevice"]["SerialNumber"]
        # moto accepts any pair of codes.
        iam.enable_mfa_device(
            UserName=name,
            SerialNumber=serial,
            AuthenticationCode1="123456",
            AuthenticationCode2="654321",
        )
        out[name]["serial"] = serial
    iam.put_user_policy(
        UserName="alice", PolicyName="list-own-mfa", PolicyDocument=ALLOW_LIST_MFA
    )
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
