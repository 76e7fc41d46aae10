namespace Spheres.Core.Storage;

/// <summary>Every table and queue the app uses; the Bicep template creates the same names.</summary>
public static class TableNames
{
    public const string Catalog = "Catalog";
}
