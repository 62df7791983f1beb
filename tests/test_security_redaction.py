"""Redaction gaps of issue 18, item 2: every way a secret is pasted is masked, and what is
not secret stays as it was.

The same cases run through ``explain`` (console, JSON and every report file) in
tests/commands/test_security_commands.py.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from urllib.parse import quote, quote_plus

import pytest

from sfdoctor.redaction import MASK, Redactor, redact, secret_name

C = "Canary7Zq9Secret"
"""The secret in every paste below: it must never come out."""
_URL = "https://acme--uat.sandbox.my.salesforce.com/services/oauth2/token "

PASTES = {
    # passwords in URLs: a Salesforce username (an unencoded @) in userinfo
    "url_username_with_at": f"https://integration@acme.com:{C}@login.salesforce.com/services",
    "url_proxy": f"HTTPS_PROXY=http://proxyuser:{C}@proxy.acme.com:3128",
    "url_password_with_at": f"https://ops:{C}@x@login.salesforce.com/",
    # curl basic auth
    "curl_u": f"curl -u integration@acme.com:{C} https://login.salesforce.com/x",
    "curl_u_attached": f"curl -uops:{C} https://x",
    "curl_user_quoted": f"curl --user 'integration@acme.com:{C}' https://x",
    "curl_user_equals": f"curl --user=ops:{C} https://x",
    "curl_proxy_user": f"curl --proxy-user proxy:{C} https://x",
    # YAML and log values, quoted or not
    "yaml_double_quoted": f'password: "{C}"',
    "yaml_single_quoted": f"client_secret: '{C}'",
    "yaml_camel": f"  clientSecret: {C}",
    "yaml_list_item": f"- refresh_token: {C}",
    "yaml_value_with_spaces": f"password: correct horse {C}",
    "log_inline": f"2024-01-01 DEBUG login with password: {C} for ops",
    "log_inline_quoted": f"login failed, clientSecret: '{C} x' (retrying)",
    # JSON fields, camelCase and numeric, and JSON inside a JSON string
    "json_clientSecret": f'{{"clientSecret":"{C}"}}',
    "json_refreshToken": f'{{"refreshToken": "{C}"}}',
    "json_privateKey": f'{{"privateKey":"{C}"}}',
    "json_newPassword": f'{{"newPassword":"{C}"}}',
    "json_accessToken": f'{{"accessToken":"{C}"}}',
    "json_sessionId": f'{{"sessionId":"{C}"}}',
    "json_escaped_quote": f'{{"password":"ab\\"{C}"}}',
    "json_in_json": json.dumps({"body": json.dumps({"password": C})}),
    "json_unterminated": f'{{"password":"{C}',
    "python_dict": f"{{'refresh_token': '{C}', 'user': 'x'}}",
    # XML
    "xml_typed": f'<password xsi:type="xsd:string">{C}</password>',
    "xml_prefixed": f"<n1:password>{C}</n1:password>",
    "xml_cdata": f"<password><![CDATA[{C}]]></password>",
    "xml_escaped": f"&lt;sessionId&gt;{C}&lt;/sessionId&gt;",
    "xml_cut_off": f"<n1:username>ops</n1:username><n1:password>{C}",
    # headers
    "authorization_token": f"Authorization: Token {C}",
    "authorization_bearer": f"Authorization: Bearer {C}",
    "authorization_basic": f"Authorization: Basic {C}",
    "authorization_oauth": f"Authorization: OAuth {C}",
    "authorization_in_curl": f"curl -H 'Authorization: Bearer {C}' https://x",
    "authorization_json": f'{{"Authorization": "Bearer {C}"}}',
    "sfdc_session": f"X-SFDC-Session: {C}",
    "sfdc_session_in_curl": f'curl -H "X-SFDC-Session: {C}" https://x',
    # env lines: the whole value, whatever it holds
    "env_comma": f"SF_PASSWORD=abc,{C}",
    "env_semicolon": f"SF_PASSWORD=abc;{C}",
    "env_export_spaces": f'export SF_CLIENT_SECRET="two words {C}"',
    "env_windows": f"set SALESFORCE_PASSWORD=x&{C}",
    # forms, flags, Java
    "form": f"grant_type=password&client_secret={C}&username=ops%40acme.com",
    "form_comma": f"-d password=abc,{C} -d x=1",
    "flag_space": f"sf org login --client-secret {C} --instance-url https://x",
    "java_tostring": f"LoginResult[password={C}, sessionId=abc]",
    # session ids, also URL-encoded
    "session_url_encoded": f"sid=00D5g000004CANRY%21AQ{C}",
    "session_bare_encoded": f"token 00D5g000004CANRY%21AQ{C} expired",
    "session_encoded_twice": f"?t=00D5g000004CANRY%2521AQ{C}",
    # a form that was itself URL-encoded (a redirect's state, a logged URL)
    "form_encoded": f"state=x%26password%3D{C}%26username%3Dops",
    "form_encoded_alone": f"invalid_grant authentication failure password%3D{C}",
    "form_encoded_twice": f"state=x%2526client_secret%253D{C}%2526y",
    # name:value with no blank after the colon, any casing
    "colon_no_space": f"password:{C}",
    "colon_no_space_upper": f"PASSWORD:{C}",
    "colon_no_space_env": f"SF_PASSWORD:{C}",
    "colon_no_space_client_secret": f"client_secret:{C}",
    "colon_no_space_security_token": f"retrying with security_token:{C} now",
    # Ruby and PHP hashes, the key quoted or not, the value quoted or not
    "ruby_symbol": f":password => '{C}'",
    "ruby_inspect": f'{{:password=>"{C}", :username=>"ops"}}',
    "ruby_string_key": f'{{"client_secret"=>"{C}"}}',
    "php_array": f"'client_secret' => '{C}',",
    "php_array_unquoted_value": f"'client_secret' => {C},",
    "hash_unquoted": f"password=>{C}",
    "hash_unquoted_spaced": f"password => {C}, username => ops",
    # PHP and Perl variables, PHP array entries and constants (outside review, Dec 2026)
    "php_variable": f"$password = '{C}';",
    "php_variable_double_quoted": f'$sf_client_secret="{C}";',
    "perl_my": f"my $password = '{C}';",
    "php_array_entry": f"$config['password'] = '{C}';",
    "php_array_entry_double_quoted": f'$cfg["client_secret"]="{C}";',
    "php_define": f"define('SF_PASSWORD', '{C}');",
    "php_define_spaced": f'define( "SF_CLIENT_SECRET" , "{C}" );',
    # setter and builder calls with a literal
    "builder_call": f'ConnectorConfig().password("{C}")',
    "setter_call": f'config.setPassword("{C}");',
    "setter_call_single_quoted": f"withClientSecret( '{C}' )",
    "setter_call_in_json": f'{{"log": "cfg.setPassword(\\"{C}\\")"}}',
    # YAML block scalars and values on the next line
    "yaml_literal_block": f"password: |\n  {C}\nusername: ops",
    "yaml_folded_block": f"sf:\n  client_secret: >-\n    abc\n\n    {C}\n  user: ops",
    "yaml_block_keep_comment": f"- password: |+ # from the vault\r\n    {C}\r\nnext: 1",
    "yaml_next_line": f"password:\n  {C}\nusername: ops",
    # tab-separated (a pasted table, a TSV row)
    "tab_separated": f"password\t{C}",
    "tab_separated_row": f"username\tops\nsecurity_token\t{C}\tx",
    # a name marked up by a page or a Markdown file (session 18: the one-line reading of a
    # paste drops this markup, and its evidence once quoted the value it uncovered)
    "html_bold_name": f"Failed: API security token required <b>password</b>={C}",
    "markdown_bold_name": f"**client_secret**: {C}",
    "code_span_name": f"`password`={C}",
    # an invisible character in the name (a page's zero-width space or soft hyphen, a
    # chat's word joiner): shown as `password=`, it was once passed over (session 19)
    "zero_width_space_name": f"INVALID_LOGIN: Invalid username pass\u200bword={C}",
    "soft_hyphen_name": f"client_se\u00adcret: {C}",
    "word_joiner_in_json_name": f'{{"pass\u2060word": "{C}"}}',
    "byte_order_mark_before_name": f"\ufeffSF_PASSWORD={C}",
    # Gson escapes = and & in a JSON string (\u003d, \u0026); a JSON log line wrapped in
    # another JSON string (Docker's json-file driver) escapes the backslash again. Decoding
    # one layer left `password\u003d...`, which the fields' patterns passed over (session 19).
    "gson_escaped_equals": f'{{"msg":"login failed for ops password\\u003d{C}"}}',
    "gson_escaped_twice": f'{{"log":"{{\\"msg\\":\\"Token Expired password\\\\u003d{C}\\"}}"}}',
    "gson_escaped_form": f'"body":"grant_type\\u003dpassword\\u0026client_secret\\u003d{C}"',
    # a name a console window broke mid-word at its width: shown as `password=` on screen,
    # passed over by the fields' patterns until session 20
    "console_broken_form_name": f"POST {_URL}grant_type=password&username=ops@acme.com&pass\n"
    f"word={C}&x=1",
    "console_broken_json_name": f'{{"url": "{_URL}", "username": "ops@acme.com", "client_sec\r\n'
    f'ret": "{C}"}}',
    "console_broken_flag_name": f'curl {_URL} -d "username=ops@acme.com" -d "pass\nword={C}"',
    # written into a sentence (a ticket, a chat): passed over until session 21
    "prose_password_is": f"I checked again and my password is {C}, but the login still fails",
    "prose_with_password": f"Login failed for ops@acme.com with password {C}.",
    "prose_password_quoted": f'the password was "{C}" yesterday',
    "prose_security_token": f"I appended the security token {C} to the password",
    "prose_refresh_token": f"refresh token {C} was revoked?",
    # a variable's name in a sentence, its value in brackets or after what is said of it:
    # passed over until session 22
    "prose_variable_was": f"SALESFORCE_PASSWORD is not set (was {C})",
    "prose_variable_bracketed": f"SF_CLIENT_SECRET ({C}) is invalid",
    "prose_password_is_wrong": f"the password is wrong: {C}",
}


@pytest.mark.parametrize("name", sorted(PASTES))
def test_every_pasted_secret_is_masked(name: str) -> None:
    out = redact(PASTES[name])
    assert C not in out and MASK in out, out
    assert redact(out) == out  # masking twice changes nothing


@pytest.mark.parametrize("cut", [3, 8, 12])
def test_a_value_a_console_broke_mid_word_is_masked_whole(cut: int) -> None:
    paste = f"POST {_URL}username=ops@acme.com&password={C[:cut]}\n{C[cut:]}&grant_type=password"
    out = redact(paste)
    assert C[:cut] not in out and C[cut:] not in out, out
    assert out.endswith("&grant_type=password")


def test_lines_without_a_broken_secret_keep_their_breaks() -> None:
    paste = "INVALID_LOGIN: Invalid username, password, security token\nAny idea why?"
    assert redact(paste) == paste


def test_an_all_digit_password_in_a_sentence() -> None:
    out = redact("Login failed with password 20261130 from the CI box")
    assert "20261130" not in out and MASK in out


def test_a_numeric_json_password() -> None:
    assert redact('{"password": 73519046, "x": 1}') == '{"password": ****, "x": 1}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "https://integration@acme.com:PW@login.salesforce.com/x",
            "https://integration@acme.com:****@login.salesforce.com/x",
        ),
        ("Authorization: Bearer abc", "Authorization: Bearer ****"),
        ('-H "X-SFDC-Session: abc" -d x', '-H "X-SFDC-Session: ****" -d x'),
        ("SF_PASSWORD=abc,def;ghi  ", "SF_PASSWORD=****  "),
        ("password=abc&username=u", "password=****&username=u"),
        ('{"password":"a\\\\","user":"u"}', '{"password":"****","user":"u"}'),
        (
            "<password>pw</password><username>u</username>",
            "<password>****</password><username>u</username>",
        ),
        ("curl -u u@acme.com:pw https://x", "curl -u u@acme.com:**** https://x"),
        ("session 00D5g000004CANRY!AQ4AQsecret", "session 00D5g000004CANRY!****"),
        ("PASSWORD:abc", "PASSWORD:****"),
        ("{:password=>'pw', :username=>'u'}", "{:password=>'****', :username=>'u'}"),
        ("'client_secret' => cs, 'user' => u", "'client_secret' => ****, 'user' => u"),
        ('b.setPassword("pw").setUsername("u")', 'b.setPassword("****").setUsername("u")'),
        ("password: >-\n  pw\n  more\n\nuser: u", "password: >-\n  ****\n\nuser: u"),
        ("password:\n  pw\nuser: u", "password:\n  ****\nuser: u"),
        ("user\tu\npassword\tpw", "user\tu\npassword\t****"),
    ],
)
def test_what_stays_in_view_around_the_mask(text: str, expected: str) -> None:
    """The field name, the scheme, the org id, the quotes and the next field stay: they
    are the evidence, and JSON stays JSON."""
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Invalid username, password, security token; or user locked out.",
        "Salesforce does not accept this username and password: the password is wrong",
        "INVALID_SESSION_ID: Session expired or invalid",
        "LOGIN_MUST_USE_SECURITY_TOKEN: Invalid username, password, security token",
        "INVALID_OPERATION_WITH_EXPIRED_PASSWORD: The users password has expired",
        "Get the user's current token: log in as that user, open personal settings",
        "A password change emails a new security token: update SF_SECURITY_TOKEN too",
        '{"token_type":"Bearer","issued_at":"1691308480245","signature":"a=","secret":true}',
        "grant_type=password&client_id=3MVG9x&username=ops%40acme.com",
        "<passwordExpired>false</passwordExpired> passwordExpired: false",
        "HTTPS_PROXY=http://user:password@host:port",
        "https://login.salesforce.com:443/services/oauth2/token and ops@acme.com",
        "error=invalid_grant&error_description=authentication%20failure",
        "Outside: the office network. Inside: trusted. Session: expired",
        "security token: required; client secret: missing",
        "the <password> element of login()",
        "curl -u ops https://x",
        "INVALID_LOGIN: Invalid username, password, security token; or user locked out.",
        "error=invalid_grant&error_description=authentication failure",
        "error_description=authentication failure",
        "grant_type=password",
        "Password: Expired",
        "Password:Expired",
        "Password\tExpired",
        "passwordExpired:false",
        "sfdx force:user:password:generate -u ops",
        "sf org generate password --target-org ops",
        "Password::Reset is a Ruby class",
        "Enter your password:\n  the password is case-sensitive",
        "password:\n  the password is wrong\nusername: ops",
        "password: |\n  ****",
        "config.setPassword(password); config.getPassword()",
        "'password' => ENV['SF_PASSWORD'],",
        "$x = $config['password'];",
        "fields = ['username', 'password', 'security_token']",
        "if ($config['password'] == $input) {",
        # the words after "password" and "token" in errors and prose
        "Your password has expired; the password is wrong",
        "Error authenticating with the refresh token due to: expired access/refresh token",
        "the security token is 25 characters long",
        "refresh token grant_type=refresh_token&client_id=3MVG9x",
        "token HTTP/1.1 400 Bad Request",
        "password reset required for user ops",
        "token is expired (401); password is invalid: INVALID_LOGIN",
        "LOGIN_ERROR_MUST_USE_API_TOKEN Failed: API security token required",
        "SALESFORCE_PASSWORD is not set (see the README)",
    ],
)
def test_ordinary_words_and_evidence_are_kept(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True),
        ("client_secret", True),
        ("clientSecret", True),
        ("SF_CLIENT_SECRET", True),
        ("refreshToken", True),
        ("newPassword", True),
        ("privateKey", True),
        ("sessionId", True),
        ("X-SFDC-Session", True),
        ("Authorization", True),
        ("accesstoken", True),
        ("password2", True),
        ("token_type", False),
        ("passwordExpired", False),
        ("username", False),
        ("inside", False),
        ("session", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert secret_name(name) is secret


def test_prose_words_and_error_codes_are_no_field_names() -> None:
    assert not secret_name("token", log=True) and secret_name("password", log=True)
    assert secret_name("token") and secret_name("APP_LOGIN_PASSWORD")
    for code in ("INVALID_SESSION_ID", "LOGIN_ERROR_MUST_USE_API_TOKEN", "INVALID_PASSWORD"):
        assert not secret_name(code) and not secret_name(code, log=True)
    assert secret_name("SF_SECURITY_TOKEN", log=True) and secret_name("sessionId", log=True)
    assert (
        redact('{"LOGIN_ERROR_MUST_USE_API_TOKEN": 12}') == '{"LOGIN_ERROR_MUST_USE_API_TOKEN": 12}'
    )


# --- the run's known secrets, however a server echoes them ------------------------------


SECRET = 'Pa$$ w/ "q" & é+'


@pytest.mark.parametrize(
    "echo",
    [
        SECRET,
        quote(SECRET, safe=""),
        re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(SECRET, safe="")),
        quote(SECRET),
        quote_plus(SECRET),
        quote(quote(SECRET, safe=""), safe=""),
        json.dumps(SECRET)[1:-1],
        json.dumps(SECRET, ensure_ascii=False)[1:-1],
        json.dumps(SECRET)[1:-1].replace("/", "\\/"),
        "Pa$$ w/ &quot;q&quot; &amp; é+",
        base64.b64encode(SECRET.encode()).decode(),
        base64.urlsafe_b64encode(SECRET.encode()).decode(),
        SECRET.encode().hex(),
        SECRET.encode().hex().upper(),
    ],
)
def test_known_secrets_are_masked_in_every_encoding(echo: str) -> None:
    out = Redactor([SECRET])(f"the server said: {echo} (done)")
    assert echo not in out and MASK in out


@pytest.mark.parametrize("case", [str.lower, str.upper])
def test_a_known_secret_echoed_in_hex_is_masked(case: Callable[[str], str]) -> None:
    hexed = b"PwCANARY7x9Q".hex()
    echo = f"h={case('abcd' + hexed + b'TkCANARY'.hex())} done"
    out = Redactor(["PwCANARY7x9Q"])(echo)
    assert case(hexed) not in out and MASK in out and out.endswith(" done")


@pytest.mark.parametrize(
    "dump",
    [
        lambda pairs: " ".join(pairs),  # hexdump, od
        lambda pairs: ":".join(pairs).upper(),  # Wireshark
        lambda pairs: "-".join(pairs),
        lambda pairs: "".join(f"\\x{p}" for p in pairs),  # repr() of bytes
        lambda pairs: "".join(f"\\x{p.upper()}" for p in pairs),
    ],
)
def test_a_known_secret_dumped_byte_by_byte_is_masked(dump: Callable[[list[str]], str]) -> None:
    hexed = b"PwCANARY7x9Q".hex()
    shown = dump([hexed[i : i + 2] for i in range(0, len(hexed), 2)])
    out = Redactor(["PwCANARY7x9Q"])(f"payload: {shown} (end)")
    assert shown not in out and MASK in out and out.endswith("(end)")


def test_a_short_known_value_has_no_hex_form() -> None:
    """Below four characters a value is not matched at all (it would mask ordinary words),
    so neither is its hex: 616263 stays, as abc does."""
    assert Redactor(["abc"])("abc 616263 616263") == "abc 616263 616263"


@pytest.mark.parametrize("lead", ["", "a", "ab", "abc:"])
def test_a_known_secret_inside_a_longer_base64_text(lead: str) -> None:
    # Basic base64(client_id:client_secret): the secret's bits land at any alignment.
    blob = base64.b64encode(f"{lead}3MVG9ClientId:{SECRET}".encode()).decode()
    out = Redactor([SECRET])(f"Authorization header was {blob}")
    core = base64.b64encode(SECRET.encode()).decode()[2:-4]
    assert MASK in out and blob not in out
    assert core not in out


def test_a_value_cut_off_by_the_end_of_a_line_is_masked_to_the_end() -> None:
    """The -v trace cuts a request body at 2000 characters: a long username can put the cut
    inside the password, leaving the password's start at the end of the line."""
    r = Redactor(["CanaryPassw0rd"])
    line = "<n1:username>" + "u" * 1900 + "</n1:username><n1:password>CanaryPassw0rd</n1:pas"
    limit = line.index("Canary") + 7
    assert "CanaryP" in line[:limit]  # what a cut made first leaves in view
    assert "CanaryP" not in r(line[:limit])  # the patterns mask the rest of the line
    for cut in ('{"password":"CanaryP', "password=CanaryP", "password: CanaryP"):
        assert "CanaryP" not in redact(cut), cut


@pytest.mark.parametrize(
    "paste",
    [
        f"&error_description=app+must+be+installed+into+org+password%3D{C}",
        f"error=invalid_grant&error_description=authentication+failure+password%3D{C}",
        f"#error=access_denied&error_description=end-user+denied+client_secret%3A+{C}",
        f"error=invalid_grant&error_description=authentication%20failure%20password%3D{C}",
    ],
)
def test_what_decoding_a_redirects_parameters_reveals_is_masked_too(paste: str) -> None:
    """A description is decoded to be read (``+``, ``%3D``): a secret it held comes out in
    no evidence line, JSON field or console text."""
    import sfdoctor
    from sfdoctor.output.explain_console import render

    explained = sfdoctor.explain(paste)
    assert C not in json.dumps(explained.to_dict()) and C not in render(explained)


@pytest.mark.parametrize(
    "paste",
    [
        # A JSON value's escapes, decoded to read it, can spell a field's name the paste
        # hid: in a JSON log record's message, an OAuth description, a REST message.
        json.dumps({"level": 50, "msg": f"Token Expired \\u0070assword={C}"}),
        json.dumps(
            {
                "error": "invalid_grant",
                "error_description": f"authentication failure \\u0070assword={C}",
            }
        ),
        json.dumps([{"message": f"Session expired \\u0070assword={C}", "errorCode": "X"}]),
    ],
)
def test_what_decoding_a_json_value_reveals_is_masked_too(paste: str) -> None:
    import sfdoctor
    from sfdoctor.output.explain_console import render

    explained = sfdoctor.explain(paste)
    assert explained.matches  # read, and its evidence quoted
    assert C not in json.dumps(explained.to_dict()) and C not in render(explained)


def test_a_terminal_escape_sequence_is_never_taken_for_a_value() -> None:
    """demo's coloured banner wrapped after "an old password: ": the reset code that followed
    was masked, and the colour ran on into the next line."""
    from sfdoctor.redaction import redact

    banner = "an old password: \x1b[0m\r\n\x1b[1;36mINVALID_LOGIN with and without the token"
    assert redact(banner) == banner
    assert redact("password: s3cretValue\x1b[0m") == "password: ****\x1b[0m"


@pytest.mark.parametrize(
    "paste",
    [
        "password=\x1b[1mS3cretValue\x1b[0m next",  # a coloured value: masked after its colour
        'password=\x1b[1m"S3cretValue"',
        "x password: \x1bS3cretValue",  # a lone escape: what follows it is the value
    ],
)
def test_a_value_after_an_escape_sequence_is_still_masked(paste: str) -> None:
    """Ending values at an escape once left a value that began with one unmasked."""
    from sfdoctor.redaction import redact

    assert "S3cretValue" not in redact(paste)


def test_a_coloured_field_name_in_a_paste_still_hides_its_value() -> None:
    import sfdoctor

    paste = "\x1b[32mSF_PASSWORD\x1b[0m: S3cretValue\ninvalid_grant authentication failure"
    assert "S3cretValue" not in json.dumps(sfdoctor.explain(paste).to_dict())
