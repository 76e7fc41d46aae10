using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Spheres.DevHost;

/// <summary>
/// Kestrel answers a path that decodes to a NUL (<c>/api/reviews/a%00b</c>) with an empty 400 before any app code runs: the
/// check is hard-coded in its URL decoder, and no option or feature lets the app shape that answer. So DevHost reads each
/// HTTP/1.1 request line before Kestrel does and writes a <c>%00</c> in its path as <c>%01</c>, another control character:
/// the request then reaches the app, which answers every control character in a path with the same 400 problem
/// (<c>Api.ControlCharacterProblem</c>). No other byte changes. To know where the next request line starts,
/// <see cref="RequestFraming"/> follows each request's framing; on anything it cannot follow with certainty it stops looking
/// and passes the rest of the connection through untouched, to Kestrel's own answer.
/// </summary>
internal static class EncodedNulInPath
{
    public static void Use(ListenOptions listen) => listen.Use(next => connection => RunAsync(connection, next));

    private static async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var transport = connection.Transport;
        var toKestrel = new Pipe(new PipeOptions(useSynchronizationContext: false));
        connection.Transport = new DuplexPipe(toKestrel.Reader, transport.Output);
        var pump = PumpAsync(transport.Input, toKestrel.Writer);
        try
        {
            await next(connection);
        }
        finally
        {
            // Kestrel is done with the connection: stop waiting for bytes it will not read.
            transport.Input.CancelPendingRead();
            await pump;
            connection.Transport = transport;
        }
    }

    private static async Task PumpAsync(PipeReader from, PipeWriter to)
    {
        var framing = new RequestFraming();
        Exception? failure = null;
        try
        {
            while (true)
            {
                var read = await from.ReadAsync();
                var consumed = framing.Forward(read.Buffer, to, final: read.IsCompleted || read.IsCanceled);
                from.AdvanceTo(consumed, read.Buffer.End);
                var flush = await to.FlushAsync();
                if (read.IsCompleted || read.IsCanceled || flush.IsCompleted) break;
            }
        }
        catch (Exception e)
        {
            failure = e; // a reset or an abort: Kestrel reads it as it would have read it from the socket
        }
        await to.CompleteAsync(failure);
        await from.CompleteAsync();
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}

/// <summary>
/// Follows HTTP/1.1 request framing (RFC 9112) over a byte stream: a request line, header lines up to an empty one, then a body
/// of <c>Content-Length</c> bytes or of chunks. It copies every byte, writing <c>%00</c> as <c>%01</c> in the path of a request
/// line only. Whatever it cannot follow with certainty (an upgrade, both framing headers, a malformed line, a line over
/// <see cref="MaxLine"/>) makes it copy the rest as it comes: Kestrel refuses those requests itself, and guessing wrong would
/// change a body's bytes.
/// </summary>
internal sealed class RequestFraming
{
    /// <summary>Above Kestrel's limits for a request line (8 KB) and a whole head (32 KB).</summary>
    public const int MaxLine = 64 * 1024;

    private enum Expect { RequestLine, Header, Body, ChunkSize, ChunkData, ChunkEnd, Trailer, Anything }

    private Expect _expect = Expect.RequestLine;
    private long _remaining;
    private long? _contentLength;
    private bool _transferEncoding, _chunked, _upgrade;

    /// <summary>Copies what it can of <paramref name="buffer"/> and says how far: an unfinished line waits for more bytes, unless <paramref name="final"/>.</summary>
    public SequencePosition Forward(ReadOnlySequence<byte> buffer, IBufferWriter<byte> to, bool final)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (!reader.End)
        {
            if (_expect is Expect.Anything)
            {
                Copy(reader.UnreadSequence, to);
                reader.AdvanceToEnd();
            }
            else if (_expect is Expect.Body or Expect.ChunkData)
            {
                var length = Math.Min(_remaining, reader.Remaining);
                Copy(reader.UnreadSequence.Slice(0, length), to);
                reader.Advance(length);
                _remaining -= length;
                if (_remaining == 0) _expect = _expect is Expect.Body ? Expect.RequestLine : Expect.ChunkEnd;
            }
            else if (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                if (line.Length > MaxLine) _expect = Expect.Anything;
                ReadOnlySpan<byte> bytes = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
                to.Write(_expect is Expect.RequestLine ? OnRequestLine(bytes) : OnLine(bytes));
                to.Write("\n"u8);
            }
            else if (final || reader.Remaining > MaxLine)
            {
                _expect = Expect.Anything;
            }
            else
            {
                break; // the rest of the line is still on its way
            }
        }
        return reader.Position;
    }

    private ReadOnlySpan<byte> OnRequestLine(ReadOnlySpan<byte> line)
    {
        var text = Trimmed(line);
        if (text.IsEmpty) return line; // an empty line before a request
        var firstSpace = text.IndexOf((byte)' ');
        var lastSpace = text.LastIndexOf((byte)' ');
        var version = text[(lastSpace + 1)..];
        var method = firstSpace > 0 ? text[..firstSpace] : default;
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1 || !(version.SequenceEqual("HTTP/1.1"u8) || version.SequenceEqual("HTTP/1.0"u8))
            || method.IndexOfAnyExceptInRange((byte)'A', (byte)'Z') >= 0 || method.SequenceEqual("CONNECT"u8))
        {
            _expect = Expect.Anything; // not a request line this follows (HTTP/2's preface, a tunnel, garbage)
            return line;
        }
        _expect = Expect.Header;
        (_contentLength, _transferEncoding, _chunked, _upgrade) = (null, false, false, false);
        var path = line.Slice(firstSpace + 1, lastSpace - firstSpace - 1);
        var query = path.IndexOfAny((byte)'?', (byte)'#');
        if (query >= 0) path = path[..query];
        if (path.IndexOf("%00"u8) < 0) return line;
        var rewritten = line.ToArray();
        var pathInRewritten = rewritten.AsSpan(firstSpace + 1, path.Length);
        for (var at = pathInRewritten.IndexOf("%00"u8); at >= 0; at = pathInRewritten.IndexOf("%00"u8))
        {
            pathInRewritten[at + 2] = (byte)'1';
        }
        return rewritten;
    }

    private ReadOnlySpan<byte> OnLine(ReadOnlySpan<byte> line)
    {
        var text = Trimmed(line);
        switch (_expect)
        {
            case Expect.Header when text.IsEmpty:
                _expect = _upgrade || (_transferEncoding && (!_chunked || _contentLength is not null)) ? Expect.Anything
                    : _chunked ? Expect.ChunkSize
                    : _contentLength > 0 ? Expect.Body
                    : Expect.RequestLine;
                _remaining = _contentLength ?? 0;
                break;
            case Expect.Header:
                OnHeader(text);
                break;
            case Expect.ChunkSize:
                var size = ChunkSize(text);
                _expect = size is null ? Expect.Anything : size == 0 ? Expect.Trailer : Expect.ChunkData;
                _remaining = size ?? 0;
                break;
            case Expect.ChunkEnd:
                _expect = text.IsEmpty ? Expect.ChunkSize : Expect.Anything;
                break;
            case Expect.Trailer when text.IsEmpty:
                _expect = Expect.RequestLine;
                break;
        }
        return line;
    }

    private void OnHeader(ReadOnlySpan<byte> header)
    {
        var colon = header.IndexOf((byte)':');
        if (colon <= 0 || header[0] is (byte)' ' or (byte)'\t')
        {
            _expect = Expect.Anything; // a folded or malformed header: Kestrel refuses the request
            return;
        }
        var name = header[..colon];
        var value = header[(colon + 1)..].Trim(" \t"u8);
        if (name.Length == 0 || name[^1] is (byte)' ' or (byte)'\t')
        {
            _expect = Expect.Anything;
        }
        else if (Named(name, "Content-Length"))
        {
            var length = value.Length is > 0 and <= 18 && value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0
                ? long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : -1;
            if (length < 0 || (_contentLength is { } earlier && earlier != length)) _expect = Expect.Anything;
            else _contentLength = length;
        }
        else if (Named(name, "Transfer-Encoding"))
        {
            _transferEncoding = true;
            var last = value[(value.LastIndexOf((byte)',') + 1)..].Trim(" \t"u8);
            _chunked = System.Text.Ascii.EqualsIgnoreCase(last, "chunked"u8);
        }
        else if (Named(name, "Upgrade"))
        {
            _upgrade = true;
        }
    }

    /// <summary>The size of a chunk-size line (hex digits, then optional extensions), or null when it is not one.</summary>
    private static long? ChunkSize(ReadOnlySpan<byte> line)
    {
        var digits = line.IndexOfAnyExcept("0123456789abcdefABCDEF"u8);
        if (digits < 0) digits = line.Length;
        if (digits is 0 or > 15 || (digits < line.Length && line[digits] is not ((byte)';' or (byte)' ' or (byte)'\t'))) return null;
        return long.Parse(line[..digits], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool Named(ReadOnlySpan<byte> name, string expected) => System.Text.Ascii.EqualsIgnoreCase(name, expected);

    /// <summary>The line without its CR.</summary>
    private static ReadOnlySpan<byte> Trimmed(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    private static void Copy(ReadOnlySequence<byte> bytes, IBufferWriter<byte> to)
    {
        foreach (var segment in bytes) to.Write(segment.Span);
    }
}
