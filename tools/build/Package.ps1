# Packaging for build.ps1: the release zip and a nupkg in the layout PowerShell Gallery packages use.
# Written with System.IO.Compression only, so it works in a pwsh without Microsoft.PowerShell.Archive,
# PowerShellGet or PSResourceGet. Dot-sourced by build.ps1.

Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem

# Writes $Destination through a temp sibling, so a failed write never leaves a half-written package.
function Write-PackageFile([string] $Destination, [scriptblock] $Writer) {
    $temp = "$Destination.$([guid]::NewGuid().ToString('N').Substring(0, 8)).tmp"
    try {
        & $Writer $temp
        Move-Item -LiteralPath $temp -Destination $Destination -Force
    } finally {
        if (Test-Path -LiteralPath $temp) { Remove-Item -LiteralPath $temp -Force }
    }
    Get-Item -LiteralPath $Destination
}

# The zip users unpack into a module folder: its single top folder is the module's name.
function New-ModuleZip([string] $ModuleDir, [string] $Destination) {
    Write-PackageFile $Destination {
        param($path)
        [IO.Compression.ZipFile]::CreateFromDirectory($ModuleDir, $path, [IO.Compression.CompressionLevel]::Optimal, $true)
    }
}

# NuGet's version string: 1.2.0.0 -> 1.2.0, plus PSData.Prerelease as a label, as PSResourceGet publishes it.
function ConvertTo-NuGetVersion([string] $ModuleVersion, [string] $Prerelease) {
    $v = [version] $ModuleVersion
    $text = if ($v.Revision -gt 0) { $v.ToString(4) } else { '{0}.{1}.{2}' -f $v.Major, $v.Minor, [Math]::Max($v.Build, 0) }
    if ($Prerelease) { $text += "-$Prerelease" }
    $text
}

# The tags the PowerShell Gallery lists and Find-Command/Find-PSResource -Command search: PSModule, the
# manifest's tags, and one PSCmdlet_/PSCommand_ pair per exported cmdlet with PSIncludes_Cmdlet
# (PowerShellGet's Publish-Module writes these; PSResourceGet's Publish-PSResource writes only the first two).
function Get-ModulePackageTags([hashtable] $Manifest) {
    $cmdlets = @($Manifest.CmdletsToExport)
    if ($cmdlets -contains '*') { throw 'CmdletsToExport must list the cmdlets by name to be packaged; the Gallery cannot index a wildcard.' }
    $tags = [Collections.Generic.List[string]]::new()
    $tags.Add('PSModule')
    foreach ($t in @($Manifest.PrivateData.PSData.Tags)) {
        if ($t -match '\s') { throw "The manifest tag '$t' contains white space; nuspec tags are separated by spaces." }
        $tags.Add($t)
    }
    if ($cmdlets.Count) { $tags.Add('PSIncludes_Cmdlet') }
    foreach ($c in $cmdlets) { $tags.Add("PSCmdlet_$c"); $tags.Add("PSCommand_$c") }
    $seen = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    $tags | Where-Object { $seen.Add($_) }
}

function New-XmlText([scriptblock] $Body) {
    $sb = [Text.StringBuilder]::new()
    $settings = [Xml.XmlWriterSettings]@{ Indent = $true; OmitXmlDeclaration = $false }
    $w = [Xml.XmlWriter]::Create($sb, $settings)
    try { & $Body $w } finally { $w.Dispose() }
    # StringBuilder output declares utf-16; the entry is written as UTF-8.
    $sb.ToString().Replace('encoding="utf-16"', 'encoding="utf-8"')
}

function New-NuspecText([string] $Id, [string] $Version, [hashtable] $Manifest, [string[]] $Tags) {
    $psData = $Manifest.PrivateData.PSData
    New-XmlText {
        param($w)
        $ns = 'http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd'
        $w.WriteStartElement('package', $ns)
        $w.WriteStartElement('metadata', $ns)
        $fields = [ordered]@{
            id                       = $Id
            version                  = $Version
            authors                  = $Manifest.Author
            owners                   = $Manifest.CompanyName
            requireLicenseAcceptance = if ($psData.RequireLicenseAcceptance) { 'true' } else { 'false' }
            licenseUrl               = $psData.LicenseUri
            projectUrl               = $psData.ProjectUri
            iconUrl                  = $psData.IconUri
            description              = $Manifest.Description
            releaseNotes             = @($psData.ReleaseNotes) -join "`n"
            copyright                = $Manifest.Copyright
            tags                     = $Tags -join ' '
        }
        foreach ($k in $fields.Keys) {
            if ($fields[$k]) { $w.WriteElementString($k, $ns, ([string] $fields[$k]).Trim()) }
        }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
}

function Add-ZipText([IO.Compression.ZipArchive] $Zip, [string] $Name, [string] $Text) {
    $entry = $Zip.CreateEntry($Name, [IO.Compression.CompressionLevel]::Optimal)
    $s = $entry.Open()
    try {
        $bytes = [Text.UTF8Encoding]::new($false).GetBytes($Text)
        $s.Write($bytes, 0, $bytes.Length)
    } finally { $s.Dispose() }
}

# A .nupkg as NuGet packs one (the PackageBuilder layout PSResourceGet produces): the module's files at
# the root with the manifest, <id>.nuspec, [Content_Types].xml, _rels/.rels and the OPC core properties.
# Install-PSResource strips the packaging files and installs the rest as <Modules>/<id>/<version>/.
function New-ModuleNupkg([string] $ModuleDir, [string] $OutputDir) {
    $manifestFile = Get-ChildItem -LiteralPath $ModuleDir -Filter *.psd1 | Select-Object -First 1
    $id = $manifestFile.BaseName
    $manifest = Import-PowerShellDataFile -LiteralPath $manifestFile.FullName
    if ($manifest.RequiredModules) { throw 'RequiredModules are not written into the nuspec yet; add <dependencies> in tools/build/Package.ps1 first.' }
    foreach ($field in 'Author', 'Description') {
        if (-not $manifest[$field]) { throw "The manifest $($manifestFile.FullName) has no $field; a nuspec needs one." }
    }
    $version = ConvertTo-NuGetVersion $manifest.ModuleVersion $manifest.PrivateData.PSData.Prerelease
    $tags = @(Get-ModulePackageTags $manifest)
    $psmdcp = "package/services/metadata/core-properties/$([guid]::NewGuid().ToString('N')).psmdcp"
    $relId = { 'R' + [guid]::NewGuid().ToString('N').Substring(0, 16) }

    Write-PackageFile (Join-Path $OutputDir "$id.$version.nupkg") {
        param($path)
        $zip = [IO.Compression.ZipFile]::Open($path, [IO.Compression.ZipArchiveMode]::Create)
        try {
            Add-ZipText $zip '_rels/.rels' (New-XmlText {
                param($w)
                $ns = 'http://schemas.openxmlformats.org/package/2006/relationships'
                $w.WriteStartElement('Relationships', $ns)
                foreach ($rel in @(
                        @('http://schemas.microsoft.com/packaging/2010/07/manifest', "/$id.nuspec"),
                        @('http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties', "/$psmdcp"))) {
                    $w.WriteStartElement('Relationship', $ns)
                    $w.WriteAttributeString('Type', $rel[0])
                    $w.WriteAttributeString('Target', $rel[1])
                    $w.WriteAttributeString('Id', (& $relId))
                    $w.WriteEndElement()
                }
                $w.WriteEndElement()
            })
            Add-ZipText $zip "$id.nuspec" (New-NuspecText $id $version $manifest $tags)

            $extensions = [Collections.Generic.SortedSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
            $bare = [Collections.Generic.List[string]]::new()
            $root = (Resolve-Path -LiteralPath $ModuleDir).ProviderPath
            foreach ($file in Get-ChildItem -LiteralPath $root -File -Recurse) {
                # NuGet escapes each path segment; the module's own file names need no escaping.
                $name = ([IO.Path]::GetRelativePath($root, $file.FullName) -split '[\\/]' | ForEach-Object { [Uri]::EscapeDataString($_) }) -join '/'
                [void] [IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, $file.FullName, $name, [IO.Compression.CompressionLevel]::Optimal)
                if ($file.Extension) { [void] $extensions.Add($file.Extension.Substring(1)) } else { $bare.Add("/$name") }
            }
            [void] $extensions.Add('nuspec')

            Add-ZipText $zip '[Content_Types].xml' (New-XmlText {
                param($w)
                $ns = 'http://schemas.openxmlformats.org/package/2006/content-types'
                $w.WriteStartElement('Types', $ns)
                $defaults = [ordered]@{
                    rels   = 'application/vnd.openxmlformats-package.relationships+xml'
                    psmdcp = 'application/vnd.openxmlformats-package.core-properties+xml'
                }
                foreach ($e in $extensions) { $defaults[$e] = 'application/octet' }
                foreach ($e in $defaults.Keys) {
                    $w.WriteStartElement('Default', $ns)
                    $w.WriteAttributeString('Extension', $e)
                    $w.WriteAttributeString('ContentType', $defaults[$e])
                    $w.WriteEndElement()
                }
                foreach ($part in $bare) {
                    $w.WriteStartElement('Override', $ns)
                    $w.WriteAttributeString('PartName', $part)
                    $w.WriteAttributeString('ContentType', 'application/octet')
                    $w.WriteEndElement()
                }
                $w.WriteEndElement()
            })

            Add-ZipText $zip $psmdcp (New-XmlText {
                param($w)
                $ns = 'http://schemas.openxmlformats.org/package/2006/metadata/core-properties'
                $dc = 'http://purl.org/dc/elements/1.1/'
                $w.WriteStartElement('coreProperties', $ns)
                $w.WriteAttributeString('xmlns', 'dc', $null, $dc)
                $w.WriteAttributeString('xmlns', 'dcterms', $null, 'http://purl.org/dc/terms/')
                $w.WriteAttributeString('xmlns', 'xsi', $null, 'http://www.w3.org/2001/XMLSchema-instance')
                $w.WriteElementString('creator', $dc, $manifest.Author)
                $w.WriteElementString('description', $dc, $manifest.Description)
                $w.WriteElementString('identifier', $dc, $id)
                $w.WriteElementString('version', $ns, $version)
                $w.WriteElementString('keywords', $ns, $tags -join ' ')
                $w.WriteElementString('lastModifiedBy', $ns, 'NasBurnin build.ps1')
                $w.WriteEndElement()
            })
        } finally {
            $zip.Dispose()
        }
    }
}
