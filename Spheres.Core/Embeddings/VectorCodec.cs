using System.Runtime.InteropServices;

namespace Spheres.Core.Embeddings;

/// <summary>
/// Vectors at rest and in the search index are half precision: half the bytes of float32, and the
/// rounding (about 1e-3 relative) moves cosine scores far less than any difference that ranks results.
/// </summary>
public static class VectorCodec
{
    public static byte[] Encode(ReadOnlySpan<float> vector)
    {
        var halves = new Half[vector.Length];
        for (var i = 0; i < vector.Length; i++) halves[i] = (Half)vector[i];
        return MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
    }

    public static Half[] DecodeHalves(byte[] bytes) => MemoryMarshal.Cast<byte, Half>(bytes).ToArray();

    public static float[] Decode(byte[] bytes)
    {
        var halves = MemoryMarshal.Cast<byte, Half>(bytes);
        var vector = new float[halves.Length];
        for (var i = 0; i < halves.Length; i++) vector[i] = (float)halves[i];
        return vector;
    }

    /// <summary>Scales to length 1 in place, so a dot product is the cosine.</summary>
    public static float[] Normalize(float[] vector)
    {
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(vector));
        if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }
}
