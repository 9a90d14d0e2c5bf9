# The Homebrew formula of awsmfa, for a tap (a repository OWNER/homebrew-tap whose
# Formula/awsmfa.rb this file becomes): `brew install OWNER/tap/awsmfa`.
#
# The release workflow fills in homepage, url and sha256 for the release's source tarball
# (packaging/homebrew/fill-formula) and attaches the result to the release; this copy keeps
# placeholders. ./scripts/test replays its install and test steps (packaging/check, through
# tests/support/fake-brew).
class Awsmfa < Formula
  desc "Keep an MFA-protected AWS session alive from Alfred, Raycast or a terminal"
  homepage "https://github.com/OWNER/awsmfa"
  url "https://github.com/OWNER/awsmfa/releases/download/v0.0.0/awsmfa-0.0.0.tar.gz"
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"
  license "MIT"

  depends_on "rust" => :build

  def install
    system "cargo", "install", *std_cargo_args
    generate_completions_from_executable(bin/"awsmfa", "completions")
    (man1/"awsmfa.1").write Utils.safe_popen_read(bin/"awsmfa", "man")
  end

  test do
    # HOME is testpath here: a ~/.aws of the test's own, and neither the keychain nor the
    # reminder scheduler is touched.
    (testpath/".aws").mkpath
    (testpath/".aws/config").write <<~EOS
      [profile work]
      region = eu-west-1
    EOS
    (testpath/".aws/credentials").write <<~EOS
      [work-mfa]
      aws_access_key_id = AKIAIOSFODNN7EXAMPLE
      aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
    EOS
    ENV["AWSMFA_KEYCHAIN"] = "off"
    ENV["AWSMFA_REMINDERS"] = "off"

    profiles = JSON.parse(shell_output("#{bin}/awsmfa list --format json"))["profiles"]
    assert_equal ["work"], profiles.map { |profile| profile["name"] }
    assert_equal "no_session", profiles.first["status"]
    assert_equal "eu-west-1", profiles.first["region"]

    # A profile that is not there: exit status 3 and one line saying what to do.
    assert_match "no profile called nope: MFA profiles: work",
                 shell_output("#{bin}/awsmfa status nope 2>&1", 3)
  end
end
