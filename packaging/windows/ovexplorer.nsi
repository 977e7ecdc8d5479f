; ovexplorer Windows installer (NSIS 3, Unicode): a per-user install, no administrator rights needed.
;
;   makensis /DVERSION=0.1.0 /DBUNDLE=..\..\dist\ovexplorer /DOUTFILE=..\..\dist\ovexplorer-0.1.0-setup.exe ovexplorer.nsi
;
; Installs the PyInstaller bundle (ovexplorer.exe GUI + ovexplorer-console.exe) into
; %LOCALAPPDATA%\Programs\ovexplorer, adds a Start-menu entry, and registers under HKCU\Software\Classes:
;   - the ProgID ovexplorer.OpenVINOIR:   "...\ovexplorer.exe" "%1"
;   - .xml\OpenWithProgids\ovexplorer.OpenVINOIR: ovexplorer is offered in "Open with" for .xml files,
;     WITHOUT touching the default handler of .xml (neither .xml's default value nor the user's choice);
;   - Applications\ovexplorer.exe (friendly name, supported types) and App Paths (Win+R "ovexplorer").
; The uninstaller removes all of it. Silent: setup.exe /S, uninstall.exe /S.

Unicode true
!include "MUI2.nsh"

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef BUNDLE
  !define BUNDLE "..\..\dist\ovexplorer"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\ovexplorer-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "..\..\resources\icons\ovexplorer.ico"
!endif

!define APP "ovexplorer"
!define EXE "ovexplorer.exe"
!define PROGID "ovexplorer.OpenVINOIR"
!define CLASSES "Software\Classes"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
!define APP_PATHS "Software\Microsoft\Windows\CurrentVersion\App Paths\${EXE}"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "Software\${APP}" "InstallDir"
SetCompressor /SOLID lzma
ShowInstDetails show
BrandingText "${APP} ${VERSION}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "FileDescription" "${APP} installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "Apache-2.0"

Function .onInit
  SetShellVarContext current
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "ovexplorer" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; A reinstall replaces the bundle as a whole (no stale modules from an older version).
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0

  ; ProgID for OpenVINO IR files.
  WriteRegStr HKCU "${CLASSES}\${PROGID}" "" "OpenVINO IR model"
  WriteRegStr HKCU "${CLASSES}\${PROGID}" "FriendlyTypeName" "OpenVINO IR model"
  WriteRegStr HKCU "${CLASSES}\${PROGID}\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "${CLASSES}\${PROGID}\shell\open" "FriendlyAppName" "${APP}"
  WriteRegStr HKCU "${CLASSES}\${PROGID}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  ; "Open with" for .xml: a value under OpenWithProgids only. The default of .xml is not written.
  WriteRegStr HKCU "${CLASSES}\.xml\OpenWithProgids" "${PROGID}" ""
  ; The application itself, for "Open with" > "Choose another app".
  WriteRegStr HKCU "${CLASSES}\Applications\${EXE}" "FriendlyAppName" "${APP}"
  WriteRegStr HKCU "${CLASSES}\Applications\${EXE}\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "${CLASSES}\Applications\${EXE}\SupportedTypes" ".xml" ""
  WriteRegStr HKCU "${CLASSES}\Applications\${EXE}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  WriteRegStr HKCU "${APP_PATHS}" "" "$INSTDIR\${EXE}"

  WriteRegStr HKCU "Software\${APP}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "ovexplorer developers"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1

  ; SHCNE_ASSOCCHANGED: Explorer re-reads the associations now.
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${APP}.lnk"

  DeleteRegKey HKCU "${CLASSES}\${PROGID}"
  DeleteRegValue HKCU "${CLASSES}\.xml\OpenWithProgids" "${PROGID}"
  DeleteRegKey /ifempty HKCU "${CLASSES}\.xml\OpenWithProgids"
  DeleteRegKey /ifempty HKCU "${CLASSES}\.xml"
  DeleteRegKey HKCU "${CLASSES}\Applications\${EXE}"
  DeleteRegKey HKCU "${APP_PATHS}"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\${APP}"

  ; Only what the installer put there: never a recursive delete of a folder the user may have chosen.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\ovexplorer.exe"
  Delete "$INSTDIR\ovexplorer-console.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
