using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using CsCheck;
using Spheres.DevHost;

namespace Spheres.Tests.Hosting;

/// <summary>
/// DevHost's <see cref="RequestFraming"/> over generated HTTP/1.1 connections (several requests back to back, bodies of
/// <c>Content-Length</c> bytes or of chunks holding <c>%00</c> and text that looks like a request line, cut into reads at
/// random): every byte comes out as it went in, except <c>%00</c> in a request line's path, which comes out <c>%01</c>. After
/// a request it cannot follow (an upgrade, both framing headers, a bad chunk size) nothing more is changed.
/// </summary>
public sealed class RequestFramingProperties
{
    private sealed record Request(string Raw, string Expected, bool EndsFollowing);

    private static readonly Gen<string> PathText = Gen.OneOf("a", "/", "%00", "%0", "0", "%", "%2F", "%2500", "b%00c").Array[0, 6]
        .Select(parts => "/api/" + string.Concat(parts));

    private static readonly Gen<string> QueryText = Gen.OneOf("", "?x=%00", "?a=1&b=%00%00", "#%00");

    private static readonly Gen<string> BodyText = Gen.OneOf(
        "{\"name\":\"Salon %00\"}", "GET /api/reviews/a%00b/ HTTP/1.1\r\n", "\r\n", "0\r\n\r\n", "%00", "Доброго дня", "x").Array[0, 5]
        .Select(string.Concat);

    private static readonly Gen<string> ExtraHeaders = Gen.OneOf("X-A: %00\r\n", "Accept: */*\r\n", "Expect: 100-continue\r\n", "").Array[0, 3]
        .Select(string.Concat);

    private static readonly Gen<Request> FollowedRequest =
        Gen.Select(Gen.OneOf("GET", "POST", "PUT", "PATCH", "DELETE"), PathText, QueryText, ExtraHeaders, BodyText,
            Gen.Int[0, 2], Gen.Int[1, 4], (method, path, query, headers, body, framing, chunks) =>
            {
                var head = $"{method} {{0}}{query} HTTP/1.1\r\nHost: localhost\r\n{headers}";
                var bodyBytes = Encoding.UTF8.GetByteCount(body);
                var rest = framing switch
                {
                    0 when body.Length == 0 => "\r\n",
                    0 or 1 => $"Content-Length: {bodyBytes}\r\n\r\n{body}",
                    _ => "Transfer-Encoding: chunked\r\n\r\n" + Chunked(body, chunks),
                };
                var raw = string.Format(head, path) + rest;
                return new Request(raw, string.Format(head, path.Replace("%00", "%01", StringComparison.Ordinal)) + rest, false);
            });

    /// <summary>Requests the framing cannot follow: after their request line, the connection passes through untouched.</summary>
    private static readonly Gen<Request> UnfollowedRequest = Gen.OneOf(
        "GET /api/a%00 HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "POST /api/a%00 HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "POST /api/a%00 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST /api/a%00 HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").Select(raw => new Request(raw, ReplaceFirst(raw, "/api/a%00", "/api/a%01"), true));

    private static readonly Gen<(Request[] Requests, int[] Cuts)> Connection =
        Gen.Select(Gen.Frequency((6, FollowedRequest), (1, UnfollowedRequest)).Array[1, 6], Gen.Int[1, 40].Array[1, 30]);

    [Fact]
    public void Only_a_nul_in_a_request_lines_path_changes_and_nothing_after_a_request_it_cannot_follow()
    {
        Connection.Sample(c =>
        {
            var (sent, expected) = (new StringBuilder(), new StringBuilder());
            var following = true;
            foreach (var request in c.Requests)
            {
                sent.Append(request.Raw);
                expected.Append(following ? request.Expected : request.Raw);
                following &= !request.EndsFollowing;
            }
            Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(Forward(Encoding.UTF8.GetBytes(sent.ToString()), c.Cuts)));
        }, iter: 2000, print: c => string.Concat(c.Requests.Select(r => r.Raw)));
    }

    [Fact]
    public void A_line_longer_than_any_kestrel_accepts_stops_the_following()
    {
        var longHeader = "X-Long: " + new string('a', RequestFraming.MaxLine) + "\r\n";
        var sent = "GET /api/a%00 HTTP/1.1\r\n" + longHeader + "\r\nGET /api/b%00 HTTP/1.1\r\n\r\n";
        var received = Encoding.UTF8.GetString(Forward(Encoding.UTF8.GetBytes(sent), [4096]));
        Assert.Equal(sent.Replace("/api/a%00", "/api/a%01", StringComparison.Ordinal), received);
    }

    /// <summary>The bytes through a pipe in reads of the given sizes (cycled), as DevHost's pump forwards them.</summary>
    private static byte[] Forward(byte[] input, int[] cuts)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var framing = new RequestFraming();
        var output = new ArrayBufferWriter<byte>();
        var offset = 0;
        for (var i = 0; offset < input.Length; i++)
        {
            var length = Math.Min(cuts[i % cuts.Length], input.Length - offset);
            pipe.Writer.Write(input.AsSpan(offset, length));
            pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
            offset += length;
            if (pipe.Reader.TryRead(out var read))
            {
                pipe.Reader.AdvanceTo(framing.Forward(read.Buffer, output, final: false), read.Buffer.End);
            }
        }
        pipe.Writer.Complete();
        if (pipe.Reader.TryRead(out var last))
        {
            pipe.Reader.AdvanceTo(framing.Forward(last.Buffer, output, final: true), last.Buffer.End);
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The body in up to <paramref name="pieces"/> chunks (cut between characters, sized in bytes), the first with an extension, then trailers.</summary>
    private static string Chunked(string body, int pieces)
    {
        var chunked = new StringBuilder();
        var size = Math.Max(1, (body.Length + pieces - 1) / pieces);
        for (var at = 0; at < body.Length; at += size)
        {
            var piece = body.Substring(at, Math.Min(size, body.Length - at));
            chunked.Append($"{Encoding.UTF8.GetByteCount(piece):x}{(at == 0 ? ";ext=1" : "")}\r\n{piece}\r\n");
        }
        return chunked.Append("0\r\nX-Trailer: %00\r\n\r\n").ToString();
    }

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        var at = text.IndexOf(old, StringComparison.Ordinal);
        return at < 0 ? text : text[..at] + replacement + text[(at + old.Length)..];
    }
}
