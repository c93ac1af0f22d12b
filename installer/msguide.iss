; msguide: the Windows installer (Inno Setup 6.3 or later). See docs/deploying.md.
;
; Per user by default: no admin rights, files in %LOCALAPPDATA%\Programs\msguide, a Start-menu
; entry for that user only. IT can install for every user of a machine (Program Files, needs
; admin rights) with /ALLUSERS, or choose in the dialog that asks on a normal start.
;
; Build, after `pyinstaller --noconfirm --clean build_installer.spec` made dist\msguide\:
;   iscc installer\msguide.iss                      -> dist\msguide-VERSION-setup.exe
; Signed (sign dist\msguide\*.exe with signtool first; see docs/deploying.md):
;   iscc "/Ssigntool=signtool.exe sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /a $f" ^
;        /DSignTool=signtool installer\msguide.iss
;
; Silent install:   msguide-VERSION-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART [/ALLUSERS]
; Silent uninstall: "%LOCALAPPDATA%\Programs\msguide\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES
;                   (keeps the user's data; add /REMOVEUSERDATA to delete it too)

#define AppName "msguide"
#define AppExe "msguide.exe"
#define BundleDir AddBackslash(SourcePath) + "..\dist\msguide"
; The version comes from the version resource build_installer.spec wrote into msguide.exe, which
; it made from msguide.__version__: one number everywhere. /DAppVersion=... overrides it.
#ifndef AppVersion
  #define AppVersion GetStringFileInfo(BundleDir + "\" + AppExe, "ProductVersion")
#endif
#if AppVersion == ""
  #error dist\msguide\msguide.exe is missing or has no version: build the bundle with PyInstaller first.
#endif

[Setup]
; AppId identifies msguide to Windows' list of installed programs: never change it, or upgrades
; install side by side instead of replacing the old version.
AppId={{06E9845F-909C-4DA0-9D0A-A0599F0DAA04}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=msguide developers
AppComments=Offline guidance for people who work against modern slavery and human trafficking
; Windows wants four numbers here (0.1.0.0), whatever the version's text.
VersionInfoVersion={#GetVersionNumbersString(BundleDir + "\" + AppExe)}
; Per user unless told otherwise: {autopf} is %LOCALAPPDATA%\Programs for a per-user install
; and Program Files for /ALLUSERS.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
DefaultDirName={autopf}\{#AppName}
DisableDirPage=auto
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Qt 6 runs on 64-bit Windows 10 and later only.
MinVersion=10.0
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile=..\assets\msguide.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; Close a running msguide (Restart Manager) instead of failing to replace its files.
CloseApplications=yes
RestartApplications=no
#ifdef SignTool
SignTool={#SignTool}
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: libraries an older version shipped must not linger
; next to the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; An installed copy is never portable: its data belongs in the user's profile.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Excludes: "portable"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Offline guidance on modern slavery and human trafficking"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
// The user's own data, where msguide.paths puts it on Windows (platformdirs, local app data):
// the store (favourites, read marks, recently viewed), settings, offline copies and logs.
function UserDataDir(): String;
begin
  Result := ExpandConstant('{localappdata}\{#AppName}');
end;

function HasSwitch(Name: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), Name) = 0 then
      Result := True;
end;

// Keep the data unless the person says otherwise: silent uninstalls keep it unless
// /REMOVEUSERDATA is given. A machine-wide uninstall never touches anyone's profile (it runs as
// an administrator, whose profile is not the users'); docs/deploying.md shows how IT can.
function RemoveUserData(): Boolean;
begin
  Result := False;
  if IsAdminInstallMode or not DirExists(UserDataDir()) then
    Exit;
  if HasSwitch('/REMOVEUSERDATA') then
    Result := True
  else if not UninstallSilent then
    Result := MsgBox('Do you also want to delete your msguide data?' + #13#10#13#10 +
      'This deletes your favourites, read marks, recently viewed items, settings and offline ' +
      'copies of documents in ' + UserDataDir() + '.' + #13#10#13#10 +
      'Choose No to keep them for when you install msguide again.',
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and RemoveUserData() then
    if not DelTree(UserDataDir(), True, True, True) then
      Log('Could not delete all of ' + UserDataDir() + '; is msguide still running?');
end;
