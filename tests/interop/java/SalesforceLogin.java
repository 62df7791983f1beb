// A Java integration's login, written the two ways Java code usually is: java.net.http's
// HttpClient (Java 11+) and the older HttpURLConnection. It reads the url-encoded token request
// form on standard input, posts it to <login URL>/services/oauth2/token, then runs one query
// with the session, and on failure prints what such code prints: the status and body
// (HttpClient), or the exception's stack trace (HttpURLConnection throws away the body).
//
// Usage: java SalesforceLogin client|urlconnection LOGIN_URL   (-Dtimeout=SECONDS, default 5)

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class SalesforceLogin {
    static final int TIMEOUT = Integer.getInteger("timeout", 5);
    static final String QUERY = "/services/data/v59.0/query?q="
        + URLEncoder.encode("SELECT Id, Name FROM Organization", StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        String form = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).trim();
        String tokenUrl = args[1] + "/services/oauth2/token";
        try {
            String answer = args[0].equals("client") ? viaClient(tokenUrl, form) : viaUrlConnection(tokenUrl, form);
            if (answer == null) {
                System.exit(1);
            }
            System.out.println("OK " + answer);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static String viaClient(String tokenUrl, String form) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(TIMEOUT)).build();
        HttpRequest login = HttpRequest.newBuilder(URI.create(tokenUrl))
            .timeout(Duration.ofSeconds(TIMEOUT))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
        HttpResponse<String> token = client.send(login, HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            System.err.println("Salesforce login failed: HTTP " + token.statusCode() + " " + token.body());
            return null;
        }
        HttpRequest query = HttpRequest.newBuilder(URI.create(field(token.body(), "instance_url") + QUERY))
            .timeout(Duration.ofSeconds(TIMEOUT))
            .header("Authorization", "Bearer " + field(token.body(), "access_token"))
            .build();
        HttpResponse<String> rows = client.send(query, HttpResponse.BodyHandlers.ofString());
        if (rows.statusCode() != 200) {
            System.err.println("Salesforce query failed: HTTP " + rows.statusCode() + " " + rows.body());
            return null;
        }
        return rows.body();
    }

    static String viaUrlConnection(String tokenUrl, String form) throws IOException {
        HttpURLConnection login = (HttpURLConnection) new URL(tokenUrl).openConnection();
        login.setConnectTimeout(TIMEOUT * 1000);
        login.setReadTimeout(TIMEOUT * 1000);
        login.setRequestMethod("POST");
        login.setDoOutput(true);
        login.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        try (OutputStream out = login.getOutputStream()) {
            out.write(form.getBytes(StandardCharsets.UTF_8));
        }
        String token;
        try (InputStream in = login.getInputStream()) {
            token = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        HttpURLConnection query = (HttpURLConnection) new URL(field(token, "instance_url") + QUERY).openConnection();
        query.setConnectTimeout(TIMEOUT * 1000);
        query.setReadTimeout(TIMEOUT * 1000);
        query.setRequestProperty("Authorization", "Bearer " + field(token, "access_token"));
        try (InputStream in = query.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
