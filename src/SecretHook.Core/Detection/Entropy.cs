namespace SecretHook.Core.Detection;

/// <summary>Shannon entropy, counted and divided over the same unit (UTF-16 code units).</summary>
public static class Entropy
{
    /// <summary>Bits per character of <paramref name="text"/>; 0 for an empty string.</summary>
    public static double Shannon(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return 0;
        }
        Span<int> ascii = stackalloc int[128];
        Dictionary<char, int>? other = null;
        foreach (char c in text)
        {
            if (c < 128)
            {
                ascii[c]++;
            }
            else
            {
                other ??= [];
                other[c] = other.GetValueOrDefault(c) + 1;
            }
        }
        double n = text.Length;
        double h = 0;
        foreach (int count in ascii)
        {
            if (count > 0)
            {
                double p = count / n;
                h -= p * Math.Log2(p);
            }
        }
        if (other is not null)
        {
            foreach (int count in other.Values)
            {
                double p = count / n;
                h -= p * Math.Log2(p);
            }
        }
        return h;
    }
}
